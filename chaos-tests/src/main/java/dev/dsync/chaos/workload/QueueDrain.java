package dev.dsync.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.dsync.chaos.cluster.Cluster;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * After the run, takes everything left, waiting out the leases of abandoned deliveries, until the
 * queue's stats (a linearizable read) show it empty with nothing in flight. With {@code fullApi}
 * the queue is drained first, recorded as {@code drain}, and then its dead-letter queue, recorded
 * as {@code drain-dlq}: once the queue is empty with nothing in flight no message can be
 * dead-lettered any more, so the second drain sees every dead letter. Without it both are taken
 * together as one {@code drain}, which is all the current total-queue checker reads. A drain that
 * cannot confirm emptiness within {@value #LIMIT_S} s is recorded as info.
 */
final class QueueDrain {
    private static final long LIMIT_S = 60;
    private static final int THREADS = 4;

    private final Cluster cluster;
    private final Recorder recorder;
    private final QueueWorkload shared;

    QueueDrain(Cluster cluster, Recorder recorder, QueueWorkload shared) {
        this.cluster = cluster;
        this.recorder = recorder;
        this.shared = shared;
    }

    void run() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(LIMIT_S).toNanos();
        String dlq = QueueWorkload.QUEUE + ".dlq";
        if (shared.fullApi) {
            shared.stats.drained.addAndGet(drain("drain", List.of(QueueWorkload.QUEUE), deadline));
            shared.stats.drainedDlq.addAndGet(drain("drain-dlq", List.of(dlq), deadline));
        } else {
            shared.stats.drained.addAndGet(drain("drain", List.of(QueueWorkload.QUEUE, dlq), deadline));
        }
    }

    /** One recorded drain of {@code queues}; returns how many messages it took. */
    private int drain(String f, List<String> queues, long deadline) throws InterruptedException {
        ArrayNode taken = NodeClient.JSON.createArrayNode();
        Recorder.Op op = recorder.invoke(shared.nextProcess.getAndIncrement(), f, QueueWorkload.QUEUE, null, null);
        AtomicBoolean confirmedEmpty = new AtomicBoolean();
        List<Thread> drainers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int first = t;
            drainers.add(Thread.ofVirtual().start(() -> drainUntilEmpty(queues, first, taken, deadline, confirmedEmpty)));
        }
        for (Thread t : drainers) {
            t.join();
        }
        if (confirmedEmpty.get()) {
            op.ok(taken);
        } else {
            op.info(queues + " not empty after " + LIMIT_S + " s of draining; took " + taken.size());
        }
        return taken.size();
    }

    private void drainUntilEmpty(List<String> queues, int first, ArrayNode taken, long deadline, AtomicBoolean confirmedEmpty) {
        NodeClient http = new NodeClient(Duration.ofSeconds(5));
        int attempt = first;
        while (System.nanoTime() < deadline && !confirmedEmpty.get()) {
            URI url = cluster.clientUrl(cluster.nodeAt(attempt++));
            boolean tookAny = false;
            for (String queue : queues) {
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
            if (!tookAny && queues.stream().allMatch(q -> empty(http, url, q))) {
                confirmedEmpty.set(true);
            } else if (!tookAny) {
                LockWorkload.sleepQuietly(100);
            }
        }
    }

    /** Nothing waiting and nothing in flight (dead letters of {@code queue} are its .dlq's business). */
    private static boolean empty(NodeClient http, URI url, String queue) {
        Outcome stats = http.get(url, "/queue/stats?queue=" + queue);
        if (stats.kind() != Outcome.Kind.OK || stats.body() == null) {
            return false;
        }
        JsonNode s = stats.body();
        return s.path("depth").asLong(-1) == 0 && s.path("in_flight").asLong(-1) == 0;
    }
}
