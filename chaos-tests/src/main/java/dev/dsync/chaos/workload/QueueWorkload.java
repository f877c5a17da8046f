package dev.dsync.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.chaos.cluster.Cluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Producers ({@link QueueProducer}: message keys, request ids, retries after unknown outcomes,
 * poison and fragile messages with small {@code max_deliveries}) and consumers
 * ({@link QueueConsumer}: ack, nack with delay, abandon, stale receipts on purpose), two producers
 * for every three consumers, then a drain ({@link QueueDrain}) of the queue and its dead-letter
 * queue. Producers hold back while more than {@value #MAX_BACKLOG} messages were never delivered,
 * so a run ends with a queue a drain can empty. Judged by total-queue: nothing lost, nothing
 * unexpected; the timed checks of the history contract read the rest of what is recorded.
 *
 * <p>Every operation is recorded under the history key {@value #QUEUE}, one object for the
 * checker (the dead-letter queue's drain too, as {@code drain-dlq}).
 */
public final class QueueWorkload implements Workload {
    static final String QUEUE = "chaos";
    static final int MAX_OPS_PER_CLIENT = 100_000;
    static final int KEYS = 32;
    static final int MAX_BACKLOG = 300;
    /** A client that found its node unavailable waits this long before trying the next one. */
    static final long BACKOFF_MS = 50;

    /** A delivery a consumer abandoned; once the message is seen delivered again its receipt is stale. */
    record Stale(long msgId, String receipt, int deliveryCount, int supersededBy) {}

    private final int clients;
    private final long seed;
    final boolean fullApi;
    final AtomicInteger nextProcess;
    final QueueStats stats = new QueueStats();
    /** Messages enqueued (ok) minus messages delivered for the first time: the producers' brake. */
    final AtomicLong backlog = new AtomicLong();
    /** The highest delivery count seen per msg_id in an ok dequeue. */
    private final Map<Long, Integer> latestDelivery = new ConcurrentHashMap<>();
    /** msg_id per message value: one value must never come with two ids (a retried enqueue is one message). */
    private final Map<String, Long> idOfValue = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Stale> abandoned = new ConcurrentLinkedQueue<>();

    public QueueWorkload(int clients, long seed) {
        this(clients, seed, false);
    }

    /** @param fullApi record acks, nacks, receipts and a separate DLQ drain (the timed checker reads them) */
    public QueueWorkload(int clients, long seed, boolean fullApi) {
        this.clients = Math.max(2, clients);
        this.seed = seed;
        this.fullApi = fullApi;
        this.nextProcess = new AtomicInteger(this.clients + 1);
    }

    @Override
    public String model() {
        return "total-queue";
    }

    @Override
    public String stats() {
        return stats.describe(fullApi);
    }

    @Override
    public void run(Cluster cluster, Recorder recorder, AtomicBoolean stop) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int thread = c;
            Random random = new Random(seed * 31 + c);
            boolean producer = c % 5 < 2;
            threads.add(Thread.ofVirtual().name("queue-client-" + c).start(() -> {
                if (producer) {
                    new QueueProducer(thread, this, recorder, cluster).run(stop, random);
                } else {
                    new QueueConsumer(thread, this, recorder, cluster).run(stop, random);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    @Override
    public void finish(Cluster cluster, Recorder recorder) throws InterruptedException {
        new QueueDrain(cluster, recorder, this).run();
    }

    /** An ok dequeue of {@code value} as delivery {@code count} of {@code msgId}. */
    void delivered(JsonNode value, long msgId, int count) {
        stats.deliveries.incrementAndGet();
        if (count == 1) {
            backlog.decrementAndGet();
        } else {
            stats.redeliveries.incrementAndGet();
        }
        latestDelivery.merge(msgId, count, Math::max);
        Long before = idOfValue.putIfAbsent(value.toString(), msgId);
        if (before != null && before != msgId) {
            stats.unexpected("value " + value + " delivered as msg_id " + before + " and as " + msgId);
        }
    }

    void abandoned(long msgId, String receipt, int deliveryCount) {
        abandoned.add(new Stale(msgId, receipt, deliveryCount, 0));
    }

    /**
     * An abandoned delivery whose message has since been seen delivered again (so its receipt is
     * stale), or null. Abandoned deliveries not superseded yet are kept for later, the oldest first.
     */
    Stale takeSuperseded() {
        int n = abandoned.size();
        for (int i = 0; i < n; i++) {
            Stale s = abandoned.poll();
            if (s == null) {
                return null;
            }
            int latest = latestDelivery.getOrDefault(s.msgId(), 0);
            if (latest > s.deliveryCount()) {
                return new Stale(s.msgId(), s.receipt(), s.deliveryCount(), latest);
            }
            abandoned.add(s);
        }
        return null;
    }
}
