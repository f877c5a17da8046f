package dev.dsync.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.chaos.cluster.Cluster;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One consumer: dequeues with a visibility timeout and then acks, nacks with a delay, or abandons
 * the delivery (lets the visibility timeout run out, as a consumer that crashed would). Poison
 * messages are always nacked, so they reach the dead-letter queue. Now and then it sends the
 * receipt of a delivery it abandoned after it saw the message delivered again: the server must
 * refuse it (409; 404 if the message was acknowledged since), and an ok is a bug.
 *
 * <p>Recorded per the history contract: the dequeue invoke carries {@code visibility_ms} and the
 * consumer; with {@code fullApi} the ok value is {@code {"value","msg_id","receipt",
 * "delivery_count","msg_key"}} and acks and nacks are recorded (a refusal as fail with error
 * {@code {"status":409,...}}). Without it the ok value is the bare message value, as the current
 * total-queue checker reads it, with those fields beside it on the line, and acks and nacks go
 * unrecorded, as they always did.
 */
final class QueueConsumer {
    private static final long VISIBILITY_MS = 2_000;

    private final int thread;
    private final QueueWorkload shared;
    private final Recorder recorder;
    private final Cluster cluster;
    private final NodeClient http = new NodeClient(Duration.ofSeconds(5));
    /** Into the current members ({@link Cluster#nodeAt}), so the consumer follows membership changes. */
    private int nodeIndex;
    private int process;

    QueueConsumer(int thread, QueueWorkload shared, Recorder recorder, Cluster cluster) {
        this.thread = thread;
        this.shared = shared;
        this.recorder = recorder;
        this.cluster = cluster;
        this.nodeIndex = thread;
        this.process = thread;
    }

    void run(AtomicBoolean stop, Random random) {
        String consumer = "c" + thread;
        for (int op = 0; op < QueueWorkload.MAX_OPS_PER_CLIENT && !stop.get(); op++) {
            String node = cluster.nodeAt(nodeIndex);
            URI url = cluster.clientUrl(node);
            ObjectNode invoked = NodeClient.JSON.createObjectNode().put("visibility_ms", VISIBILITY_MS).put("consumer", consumer);
            Recorder.Op dequeue = recorder.invoke(process, "dequeue", QueueWorkload.QUEUE, invoked, node);
            Outcome got = http.post(url, "/queue/deq", NodeClient.JSON.createObjectNode().put("queue", QueueWorkload.QUEUE)
                    .put("consumer_id", consumer).put("visibility_ms", VISIBILITY_MS).put("wait_ms", 200));
            switch (got.kind()) {
                case OK -> {
                    JsonNode m = got.body();
                    if (m == null || m.path("empty").asBoolean(false)) {
                        dequeue.ok(null);
                    } else {
                        recordDelivery(dequeue, m);
                        handle(m, url, node, random);
                    }
                }
                case FAIL -> {
                    dequeue.fail(got.error());
                    moveOn();
                }
                case INFO -> {
                    dequeue.info(got.error());
                    process = shared.nextProcess.getAndIncrement();
                    moveOn();
                }
            }
            if (random.nextInt(8) == 0) {
                sendStaleReceipt(url, node, random);
            }
        }
    }

    private void recordDelivery(Recorder.Op dequeue, JsonNode m) {
        long msgId = m.path("msg_id").asLong();
        int count = m.path("delivery_count").asInt();
        shared.delivered(m.get("value"), msgId, count);
        if (shared.fullApi) {
            ObjectNode value = NodeClient.JSON.createObjectNode();
            value.set("value", m.get("value"));
            value.put("msg_id", msgId).put("receipt", m.path("receipt").asText()).put("delivery_count", count)
                    .put("msg_key", m.path("key").asText());
            dequeue.ok(value);
        } else {
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("msg_id", msgId);
            extra.put("receipt", m.path("receipt").asText());
            extra.put("delivery_count", count);
            extra.put("msg_key", m.path("key").asText());
            dequeue.ok(m.get("value"), extra);
        }
    }

    /** Poison: nack. Otherwise mostly ack, sometimes nack with a delay, sometimes walk away. */
    private void handle(JsonNode m, URI url, String node, Random random) {
        long msgId = m.path("msg_id").asLong();
        String receipt = m.path("receipt").asText();
        int dice = random.nextInt(100);
        if (m.path("value").asText().endsWith("!poison")) {
            nack(url, node, msgId, receipt, random.nextInt(100));
        } else if (dice < 80) {
            Outcome acked = send(url, node, "ack", "/queue/ack", NodeClient.JSON.createObjectNode()
                    .put("msg_id", msgId).put("receipt", receipt));
            if (acked.kind() == Outcome.Kind.OK) {
                shared.stats.acked.incrementAndGet();
            }
        } else if (dice < 92) {
            nack(url, node, msgId, receipt, 100 + random.nextInt(400));
        } else {
            shared.stats.abandoned.incrementAndGet();
            shared.abandoned(msgId, receipt, m.path("delivery_count").asInt());
        }
    }

    private void nack(URI url, String node, long msgId, String receipt, long delayMs) {
        Outcome nacked = send(url, node, "nack", "/queue/nack", NodeClient.JSON.createObjectNode()
                .put("msg_id", msgId).put("receipt", receipt).put("delay_ms", delayMs));
        if (nacked.kind() == Outcome.Kind.OK) {
            shared.stats.nacked.incrementAndGet();
            if (nacked.body() != null && nacked.body().path("dead_lettered").asBoolean(false)) {
                shared.stats.deadLetteredByNack.incrementAndGet();
            }
        }
    }

    /** Acks or nacks, with the receipt of a delivery this side saw superseded by a later one. */
    private void sendStaleReceipt(URI url, String node, Random random) {
        QueueWorkload.Stale stale = shared.takeSuperseded();
        if (stale == null) {
            return;
        }
        shared.stats.staleSent.incrementAndGet();
        boolean ack = random.nextBoolean();
        ObjectNode request = NodeClient.JSON.createObjectNode().put("msg_id", stale.msgId()).put("receipt", stale.receipt());
        if (!ack) {
            request.put("delay_ms", 0);
        }
        Outcome o = send(url, node, ack ? "ack" : "nack", ack ? "/queue/ack" : "/queue/nack", request);
        if (o.kind() == Outcome.Kind.OK) {
            shared.stats.unexpected((ack ? "ack" : "nack") + " with stale receipt " + stale.receipt()
                    + " answered ok after delivery " + stale.supersededBy() + " was seen: " + o.body());
        } else if (o.kind() == Outcome.Kind.FAIL && (o.status() == 409 || o.status() == 404)) {
            shared.stats.staleRefused.incrementAndGet();
        }
    }

    /** Sends an ack or nack, recorded when {@code fullApi}; a refusal is recorded with its status. */
    private Outcome send(URI url, String node, String f, String path, ObjectNode request) {
        Recorder.Op op = shared.fullApi ? recorder.invoke(process, f, QueueWorkload.QUEUE, request.deepCopy(), node) : null;
        Outcome o = http.post(url, path, request);
        if (op != null) {
            switch (o.kind()) {
                case OK -> op.ok(o.body());
                case FAIL -> {
                    ObjectNode error = NodeClient.JSON.createObjectNode().put("status", o.status());
                    error.put("error", o.body() == null ? o.error() : o.body().path("error").asText(o.error()));
                    op.fail(error);
                }
                case INFO -> op.info(o.error());
            }
        }
        if (o.kind() == Outcome.Kind.INFO && shared.fullApi) {
            process = shared.nextProcess.getAndIncrement();
        }
        if (o.kind() != Outcome.Kind.OK && o.status() != 409 && o.status() != 404) {
            moveOn();
        }
        return o;
    }

    private void moveOn() {
        nodeIndex++;
        LockWorkload.sleepQuietly(QueueWorkload.BACKOFF_MS);
    }
}
