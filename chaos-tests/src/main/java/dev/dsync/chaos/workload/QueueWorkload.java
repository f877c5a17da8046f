package dev.dsync.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.chaos.cluster.Cluster;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Producers enqueue unique values under {@value #KEYS} message keys; consumers dequeue with a short
 * visibility timeout and ack, except that some "crash" before acking, so their messages must come
 * back (and block their key until then: per-key order). Producers hold back while the backlog is
 * over {@value #MAX_BACKLOG}, so a run ends with a queue a drain can empty. After the run the drain
 * takes everything left (waiting out the leases of crashed consumers) until the queue and its
 * dead-letter queue are empty. Judged by total-queue: nothing lost, nothing
 * unexpected; duplicates (at-least-once redeliveries) are counted.
 *
 * <p>Every operation is recorded under the history key {@value #QUEUE}, one object for the checker.
 */
public final class QueueWorkload implements Workload {
    static final String QUEUE = "chaos";
    private static final int MAX_OPS_PER_CLIENT = 100_000;
    private static final long VISIBILITY_MS = 2_000;
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(60);
    private static final int KEYS = 32;
    private static final int MAX_BACKLOG = 300;
    private static final int DRAIN_THREADS = 4;
    /** A client that found its node unavailable waits this long before trying the next one. */
    static final long BACKOFF_MS = 50;

    private final int clients;
    private final long seed;
    private final AtomicInteger nextProcess;
    /** Enqueues acknowledged minus deliveries seen: the producers' brake. */
    private final java.util.concurrent.atomic.AtomicLong backlog = new java.util.concurrent.atomic.AtomicLong();

    public QueueWorkload(int clients, long seed) {
        this.clients = Math.max(2, clients);
        this.seed = seed;
        this.nextProcess = new AtomicInteger(this.clients + 1);
    }

    @Override
    public String model() {
        return "total-queue";
    }

    @Override
    public void run(Cluster cluster, Recorder recorder, AtomicBoolean stop) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int process = c;
            boolean producer = c % 5 < 2; // two producers for every three consumers
            threads.add(Thread.ofVirtual().name("queue-client-" + c).start(() -> {
                if (producer) {
                    produce(process, cluster, recorder, stop);
                } else {
                    consume(process, cluster, recorder, stop);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    private void produce(int process, Cluster cluster, Recorder recorder, AtomicBoolean stop) {
        Random random = new Random(seed * 31 + process);
        NodeClient http = new NodeClient(Duration.ofSeconds(5));
        List<String> nodes = cluster.nodeIds();
        int nodeIndex = process % nodes.size();
        for (int op = 0; op < MAX_OPS_PER_CLIENT && !stop.get(); op++) {
            if (backlog.get() > MAX_BACKLOG) {
                sleepQuietly(20);
                continue;
            }
            String node = nodes.get(nodeIndex);
            String value = "p" + process + "-" + op;
            Recorder.Op enqueue = recorder.invoke(process, "enqueue", QUEUE, NodeClient.JSON.getNodeFactory().textNode(value), node);
            ObjectNode body = NodeClient.JSON.createObjectNode().put("queue", QUEUE).put("key", "k" + random.nextInt(KEYS))
                    .put("value", value).put("max_deliveries", 1000);
            Outcome outcome = http.post(cluster.clientUrl(node), "/queue/enq", body);
            switch (outcome.kind()) {
                case OK -> {
                    enqueue.ok(NodeClient.JSON.getNodeFactory().textNode(value));
                    backlog.incrementAndGet();
                }
                case FAIL -> {
                    enqueue.fail(outcome.error());
                    nodeIndex = (nodeIndex + 1) % nodes.size();
                    sleepQuietly(BACKOFF_MS);
                }
                case INFO -> {
                    enqueue.info(outcome.error());
                    process = nextProcess.getAndIncrement();
                    nodeIndex = (nodeIndex + 1) % nodes.size();
                    sleepQuietly(BACKOFF_MS);
                }
            }
        }
    }

    private void consume(int process, Cluster cluster, Recorder recorder, AtomicBoolean stop) {
        Random random = new Random(seed * 31 + process);
        NodeClient http = new NodeClient(Duration.ofSeconds(5));
        List<String> nodes = cluster.nodeIds();
        int nodeIndex = process % nodes.size();
        for (int op = 0; op < MAX_OPS_PER_CLIENT && !stop.get(); op++) {
            String node = nodes.get(nodeIndex);
            URI url = cluster.clientUrl(node);
            Recorder.Op dequeue = recorder.invoke(process, "dequeue", QUEUE, null, node);
            Outcome got = http.post(url, "/queue/deq", NodeClient.JSON.createObjectNode().put("queue", QUEUE)
                    .put("consumer_id", "c" + process).put("visibility_ms", VISIBILITY_MS).put("wait_ms", 200));
            switch (got.kind()) {
                case OK -> {
                    JsonNode message = got.body();
                    boolean empty = message == null || message.path("empty").asBoolean(false);
                    dequeue.ok(empty ? null : message.get("value"));
                    if (!empty) {
                        backlog.decrementAndGet();
                    }
                    // One delivery in twenty is abandoned, as by a consumer that crashed before acking.
                    if (!empty && random.nextInt(20) != 0) {
                        http.post(url, "/queue/ack", NodeClient.JSON.createObjectNode()
                                .put("msg_id", message.path("msg_id").asLong()).put("receipt", message.path("receipt").asText()));
                    }
                }
                case FAIL -> {
                    dequeue.fail(got.error());
                    nodeIndex = (nodeIndex + 1) % nodes.size();
                    sleepQuietly(BACKOFF_MS);
                }
                case INFO -> {
                    dequeue.info(got.error());
                    process = nextProcess.getAndIncrement();
                    nodeIndex = (nodeIndex + 1) % nodes.size();
                    sleepQuietly(BACKOFF_MS);
                }
            }
        }
    }

    /**
     * Takes everything that is left, waiting for abandoned leases to expire, until stats show the
     * queue and its dead-letter queue empty. Recorded as one drain operation: ok with every value
     * taken when emptiness was confirmed, info if it could not be within the limit.
     */
    @Override
    public void finish(Cluster cluster, Recorder recorder) throws InterruptedException {
        int process = nextProcess.getAndIncrement();
        ArrayNode taken = NodeClient.JSON.createArrayNode();
        Recorder.Op drain = recorder.invoke(process, "drain", QUEUE, null, null);
        long deadline = System.nanoTime() + DRAIN_LIMIT.toNanos();
        AtomicBoolean confirmedEmpty = new AtomicBoolean();
        List<Thread> drainers = new ArrayList<>();
        for (int t = 0; t < DRAIN_THREADS; t++) {
            int first = t;
            drainers.add(Thread.ofVirtual().start(() -> drainUntilEmpty(cluster, first, taken, deadline, confirmedEmpty)));
        }
        for (Thread t : drainers) {
            t.join();
        }
        if (confirmedEmpty.get()) {
            drain.ok(taken);
        } else {
            drain.info("queue not empty after " + DRAIN_LIMIT.toSeconds() + " s of draining; took " + taken.size());
        }
    }

    private static void drainUntilEmpty(Cluster cluster, int first, ArrayNode taken, long deadline, AtomicBoolean confirmedEmpty) {
        NodeClient http = new NodeClient(Duration.ofSeconds(5));
        List<String> nodes = cluster.nodeIds();
        int attempt = first;
        while (System.nanoTime() < deadline && !confirmedEmpty.get()) {
            URI url = cluster.clientUrl(nodes.get(attempt++ % nodes.size()));
            boolean tookAny = false;
            for (String queue : List.of(QUEUE, QUEUE + ".dlq")) {
                Outcome got = http.post(url, "/queue/deq", NodeClient.JSON.createObjectNode().put("queue", queue)
                        .put("consumer_id", "drain").put("visibility_ms", 30_000).put("wait_ms", 0));
                if (got.kind() == Outcome.Kind.OK && got.body() != null && !got.body().path("empty").asBoolean(false)) {
                    synchronized (taken) {
                        taken.add(got.body().get("value"));
                    }
                    tookAny = true;
                    http.post(url, "/queue/ack", NodeClient.JSON.createObjectNode()
                            .put("msg_id", got.body().path("msg_id").asLong()).put("receipt", got.body().path("receipt").asText()));
                }
            }
            if (!tookAny && empty(http, url, QUEUE) && empty(http, url, QUEUE + ".dlq")) {
                confirmedEmpty.set(true);
            } else if (!tookAny) {
                sleepQuietly(100);
            }
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean empty(NodeClient http, URI url, String queue) {
        Outcome stats = http.get(url, "/queue/stats?queue=" + queue);
        if (stats.kind() != Outcome.Kind.OK || stats.body() == null) {
            return false;
        }
        JsonNode s = stats.body();
        return s.path("depth").asLong(-1) == 0 && s.path("in_flight").asLong(-1) == 0 && s.path("dead_lettered").asLong(0) == 0;
    }
}
