package dev.dsync.chaos.workload;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.dsync.chaos.cluster.Cluster;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One producer: enqueues unique values under message keys (the queue's per-key order), with its
 * own client id and a request id per message. After an unknown outcome it retires the process
 * (a history rule) and sends the very same request again (same value, client id and request id)
 * from a fresh process, up to {@value #RETRIES} times: each retry is recorded as its own enqueue,
 * and the server must deliver them all as one message. Every invoke carries {@code msg_key},
 * {@code client_id} and {@code request_id}; every ok carries {@code msg_id}.
 *
 * <p>Some messages are poison (value ending in {@code !poison}, at most {@value #POISON_MAX}
 * deliveries: consumers always nack them, so they reach the dead-letter queue) and some fragile
 * (one delivery allowed: a single abandoned or nacked delivery dead-letters them).
 */
final class QueueProducer {
    static final int RETRIES = 3;
    static final int POISON_MAX = 2;
    private static final int DEFAULT_MAX = 20;

    private final int thread;
    private final QueueWorkload shared;
    private final Recorder recorder;
    private final Cluster cluster;

    QueueProducer(int thread, QueueWorkload shared, Recorder recorder, Cluster cluster) {
        this.thread = thread;
        this.shared = shared;
        this.recorder = recorder;
        this.cluster = cluster;
    }

    void run(AtomicBoolean stop, Random random) {
        NodeClient http = new NodeClient(Duration.ofSeconds(5));
        int nodeIndex = thread; // into the current members: the producer follows membership changes
        int process = thread;
        String clientId = "p" + thread;
        for (int n = 0; n < QueueWorkload.MAX_OPS_PER_CLIENT && !stop.get(); n++) {
            if (shared.backlog.get() > QueueWorkload.MAX_BACKLOG) {
                LockWorkload.sleepQuietly(20);
                continue;
            }
            int kind = random.nextInt(24);
            boolean poison = kind < 2;
            int maxDeliveries = poison ? POISON_MAX : kind < 5 ? 1 : DEFAULT_MAX;
            String value = clientId + "-" + n + (poison ? "!poison" : "");
            String msgKey = "k" + random.nextInt(QueueWorkload.KEYS);
            String requestId = clientId + "-" + n;
            ObjectNode body = NodeClient.JSON.createObjectNode().put("queue", QueueWorkload.QUEUE).put("key", msgKey)
                    .put("value", value).put("max_deliveries", maxDeliveries).put("client_id", clientId).put("request_id", requestId);
            for (int attempt = 0; attempt <= RETRIES && !stop.get(); attempt++) {
                String node = cluster.nodeAt(nodeIndex);
                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put("msg_key", msgKey);
                extra.put("client_id", clientId);
                extra.put("request_id", requestId);
                extra.put("max_deliveries", maxDeliveries);
                if (attempt > 0) {
                    extra.put("retry", attempt);
                    shared.stats.enqueueRetries.incrementAndGet();
                }
                Recorder.Op enqueue = recorder.invoke(process, "enqueue", QueueWorkload.QUEUE, TextNode.valueOf(value), node, extra);
                Outcome outcome = http.post(cluster.clientUrl(node), "/queue/enq", body);
                if (outcome.kind() == Outcome.Kind.OK) {
                    long msgId = outcome.body() == null ? -1 : outcome.body().path("msg_id").asLong(-1);
                    enqueue.ok(TextNode.valueOf(value), Map.of("msg_id", msgId));
                    shared.stats.enqueued.incrementAndGet();
                    shared.backlog.incrementAndGet();
                    break;
                }
                nodeIndex++; // whatever went wrong (a removed node's 410 too), the next member is tried
                if (outcome.kind() == Outcome.Kind.FAIL) {
                    enqueue.fail(outcome.error());
                    LockWorkload.sleepQuietly(QueueWorkload.BACKOFF_MS);
                    if (attempt == 0) {
                        break; // it certainly did not happen: the next message is a new one
                    }
                    continue; // this retry did not happen, but the first attempt may have: still unknown
                }
                enqueue.info(outcome.error());
                process = shared.nextProcess.getAndIncrement();
                LockWorkload.sleepQuietly(QueueWorkload.BACKOFF_MS);
            }
        }
    }
}
