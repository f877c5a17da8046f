package dev.dsync.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.chaos.cluster.Cluster;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One lock client thread: its current history process, its current lock identity (client id,
 * whose lease is {@code ttlMs}), the node it talks to, and every lock operation it records, in the
 * form of docs/history-format.md and the history contract.
 *
 * <p>Unknown outcomes: the process that saw one is retired (a history rule). With
 * {@code fullApi} the same request (same client id and request id) is retried up to
 * {@value #RETRIES} times under fresh process ids, each retry recorded as its own operation: the
 * server answers a retry with the first answer, so the retry settles what happened. Without
 * {@code fullApi}, or when the retries stay unknown too, the identity is abandoned (a new client
 * id takes over and the old one's locks lapse with its lease), as Jepsen would. Retries stay off
 * by default because the untimed rw-lock model reads a retry's repeated answer (same fence) as a
 * second grant, which it may reject once another client was granted the key meanwhile.
 */
final class LockSession {
    static final int RETRIES = 2;

    private final int thread;
    private final Cluster cluster;
    private final Recorder recorder;
    private final AtomicInteger nextProcess;
    private final LockStats stats;
    private final boolean fullApi;
    private final NodeClient http;
    final long ttlMs;
    private int process;
    private int generation;
    /** Request ids are unique per thread; a withdrawal takes one while the acquire it withdraws waits. */
    private final AtomicInteger nextRequest = new AtomicInteger();
    /** Index into the current members ({@link Cluster#nodeAt}), so the client follows membership changes. */
    private volatile int nodeIndex;
    /** Current lock identity; replaced by {@link #abandonIdentity()}. */
    String clientId;

    /** The answer to one request after any retries: what the workload does next depends on it. */
    record Answer(Outcome.Kind kind, int status, JsonNode body) {
        boolean ok() {
            return kind == Outcome.Kind.OK;
        }

        boolean deadlock() {
            return status == 409 && body != null && "deadlock".equals(body.path("error").asText());
        }

        long fence() {
            return body == null ? -1 : body.path("fence").asLong(-1);
        }
    }

    LockSession(int thread, Cluster cluster, Recorder recorder, AtomicInteger nextProcess, LockStats stats,
                boolean fullApi, long ttlMs, long clientTimeoutMs) {
        this.thread = thread;
        this.cluster = cluster;
        this.recorder = recorder;
        this.nextProcess = nextProcess;
        this.stats = stats;
        this.fullApi = fullApi;
        this.ttlMs = ttlMs;
        this.process = thread;
        this.nodeIndex = thread;
        this.http = new NodeClient(Duration.ofMillis(clientTimeoutMs));
        this.clientId = "c" + thread;
    }

    /** Stops using this identity without releasing anything: its locks must lapse with its lease. */
    void abandonIdentity() {
        generation++;
        clientId = "c" + thread + "-" + generation;
    }

    /** A process id for an operation run beside this client's own (a withdrawal); used once. */
    int helperProcess() {
        return nextProcess.getAndIncrement();
    }

    Answer acquire(String key, String mode, long waitMs) {
        return acquireAs(process, key, mode, waitMs, true);
    }

    /**
     * Records and sends one acquire. {@code own} is false for a call on a helper process (it is
     * not retried, and an unknown outcome does not retire this client's own process).
     */
    Answer acquireAs(int onProcess, String key, String mode, long waitMs, boolean own) {
        String requestId = clientId + "-r" + nextRequest.getAndIncrement();
        ObjectNode value = NodeClient.JSON.createObjectNode().put("mode", mode).put("client", clientId)
                .put("ttl_ms", ttlMs).put("wait_ms", waitMs).put("request_id", requestId);
        ObjectNode request = NodeClient.JSON.createObjectNode().put("key", key).put("mode", mode)
                .put("client_id", clientId).put("ttl_ms", ttlMs).put("wait_ms", waitMs).put("request_id", requestId);
        return send(onProcess, own, "acquire", key, value, "/lock/acquire", request, body -> NodeClient.JSON.createObjectNode()
                .put("mode", mode).put("client", clientId).put("fence", body == null ? -1 : body.path("fence").asLong(-1)));
    }

    Answer release(String key) {
        return releaseAs(process, key, true);
    }

    /** A release, or the withdrawal of a queued request (the same call while the acquire waits). */
    Answer releaseAs(int onProcess, String key, boolean own) {
        String requestId = clientId + "-r" + nextRequest.getAndIncrement();
        ObjectNode value = NodeClient.JSON.createObjectNode().put("client", clientId).put("request_id", requestId);
        ObjectNode request = NodeClient.JSON.createObjectNode().put("key", key).put("client_id", clientId)
                .put("request_id", requestId);
        return send(onProcess, own, "release", key, value, "/lock/release", request, body -> body);
    }

    /** Renews every lock of this identity: a key-less operation. */
    Answer renew() {
        String requestId = clientId + "-r" + nextRequest.getAndIncrement();
        ObjectNode value = NodeClient.JSON.createObjectNode().put("client", clientId).put("ttl_ms", ttlMs);
        ObjectNode request = NodeClient.JSON.createObjectNode().put("client_id", clientId).put("request_id", requestId);
        return send(process, true, "renew", null, value, "/lock/renew", request, body -> body);
    }

    /** A renew or withdrawal without a history line, for runs judged by a checker that cannot read one. */
    Answer unrecorded(String path, ObjectNode request) {
        Outcome o = http.post(url(), path, request);
        return new Answer(o.kind(), o.status(), o.body());
    }

    boolean fullApi() {
        return fullApi;
    }

    private Answer send(int onProcess, boolean own, String f, String key, ObjectNode value, String path, ObjectNode request,
                        java.util.function.UnaryOperator<JsonNode> okValue) {
        int p = onProcess;
        for (int attempt = 0; ; attempt++) {
            String node = cluster.nodeAt(nodeIndex);
            Recorder.Op op = recorder.invoke(p, f, key, value, node, attempt == 0 ? null : Map.of("retry", attempt));
            Outcome o = http.post(cluster.clientUrl(node), path, request);
            switch (o.kind()) {
                case OK -> {
                    op.ok(okValue.apply(o.body()));
                    return new Answer(o.kind(), o.status(), o.body());
                }
                case FAIL -> {
                    op.fail(o.error());
                    if (o.status() == 503 || o.status() >= 500 || o.status() == 410) {
                        moveOn(); // 410: a removed node, which did nothing; the next member will
                    }
                    if (attempt > 0) {
                        // A refused retry leaves the request unknown: the first attempt may have been
                        // granted. Keeping the identity would make a later answer of that grant look
                        // like a new grant to the checker, so the identity is given up as after any
                        // unknown outcome.
                        stats.unknown.incrementAndGet();
                        if (own) {
                            abandonIdentity();
                        }
                        return new Answer(Outcome.Kind.INFO, o.status(), o.body());
                    }
                    return new Answer(o.kind(), o.status(), o.body());
                }
                case INFO -> {
                    op.info(o.error());
                    p = nextProcess.getAndIncrement();
                    if (own) {
                        process = p;
                    }
                    moveOn();
                    if (!own || !fullApi || attempt >= RETRIES) {
                        stats.unknown.incrementAndGet();
                        if (own) {
                            abandonIdentity();
                        }
                        return new Answer(o.kind(), o.status(), o.body());
                    }
                    stats.retries.incrementAndGet();
                }
            }
        }
    }

    private URI url() {
        return cluster.clientUrl(cluster.nodeAt(nodeIndex));
    }

    /** The node refused for want of a leader, was removed, or did not answer: try the next one after a pause. */
    private void moveOn() {
        nodeIndex++;
        LockWorkload.sleepQuietly(QueueWorkload.BACKOFF_MS);
    }
}
