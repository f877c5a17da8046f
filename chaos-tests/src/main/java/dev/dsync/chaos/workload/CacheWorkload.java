package dev.dsync.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.chaos.cluster.Cluster;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients get, put, cas and del a few keys at every node of the cache cluster, judged by the
 * {@code kv} model (one linearizable cas-register per key). Each client stays on one node, so its
 * repeated gets there are served from that node's line (M, E or S) when the node may, and moves to
 * the next node only after a refusal or an unknown outcome. Every written value is unique.
 *
 * <p>How the cache API maps onto the kv model (history keys are the cache keys):
 * <ul>
 * <li>get: {@code read}; 200 reads {@code val}; 404 {@code {"found":false}} reads null (absent).</li>
 * <li>put: {@code write} of {@code val}.</li>
 * <li>cas: {@code cas [expected, val]}; expected null is "only if absent", which is the model's
 * initial null; 409 cas mismatch is {@code fail} (it did not happen).</li>
 * <li>del: {@code write} of null, since absent is the model's null: a get of a deleted key reads
 * null and a cas expecting null may then succeed. A del of an absent key (404) changed nothing
 * and found the key absent, which is what a write of null over null is, so it is ok too.</li>
 * </ul>
 * A 503 without {@code "outcome":"unknown"} is {@code fail}; a 504, such a 503, or lost
 * connection after sending is {@code info}, and the client continues as a new process.
 *
 * <p>Ok reads carry {@code hit}, {@code state} (the serving node's line: M, E, S, or I when none
 * was installed) and {@code version} as extra fields on their history line; writes carry
 * {@code version} and deletes {@code "op":"del"}. The checker ignores these fields.
 */
public final class CacheWorkload implements Workload {
    private static final int MAX_OPS_PER_CLIENT = 100_000;
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(5);
    /** Out of 100: get, then put, then cas; the rest are dels. */
    private static final int GET = 60;
    private static final int PUT = 18;
    private static final int CAS = 17;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final int clients;
    private final List<String> keys;
    private final long seed;
    private final int maxThinkMs;
    private final AtomicInteger nextProcess;
    /** Source of unique written values. */
    private final AtomicLong nextValue = new AtomicLong(1);
    private final Stats stats = new Stats();

    /**
     * @param maxThinkMs each client pauses up to this long between operations (0: none), which
     *                   keeps a run's history within what the checker searches quickly
     */
    public CacheWorkload(int clients, int keyCount, int maxThinkMs, long seed) {
        this.clients = clients;
        this.keys = new ArrayList<>();
        for (int k = 0; k < keyCount; k++) {
            keys.add("k" + k);
        }
        this.maxThinkMs = maxThinkMs;
        this.seed = seed;
        this.nextProcess = new AtomicInteger(clients);
    }

    @Override
    public String model() {
        return "kv";
    }

    @Override
    public void run(Cluster cluster, Recorder recorder, AtomicBoolean stop) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int first = c;
            threads.add(Thread.ofVirtual().name("cache-client-" + c).start(() -> client(first, cluster, recorder, stop)));
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    @Override
    public String stats() {
        return stats.describe();
    }

    private void client(int process, Cluster cluster, Recorder recorder, AtomicBoolean stop) {
        Random random = new Random(seed * 31 + process);
        NodeClient http = new NodeClient(CLIENT_TIMEOUT);
        List<String> nodes = cluster.nodeIds();
        int nodeIndex = process % nodes.size();
        // The value this client last saw for each key (null: absent or never seen): its next cas expects it.
        Map<String, JsonNode> lastSeen = new HashMap<>();
        for (int op = 0; op < MAX_OPS_PER_CLIENT && !stop.get(); op++) {
            String node = nodes.get(nodeIndex);
            URI url = cluster.clientUrl(node);
            String key = keys.get(random.nextInt(keys.size()));
            int dice = random.nextInt(100);
            Outcome outcome;
            if (dice < GET) {
                outcome = get(http, url, recorder, process, key, node, lastSeen);
            } else if (dice < GET + PUT) {
                outcome = put(http, url, recorder, process, key, node, lastSeen);
            } else if (dice < GET + PUT + CAS) {
                outcome = cas(http, url, recorder, process, key, node, lastSeen);
            } else {
                outcome = del(http, url, recorder, process, key, node, lastSeen);
            }
            if (outcome.kind() == Outcome.Kind.INFO) {
                process = nextProcess.getAndIncrement();
            }
            if (unavailable(outcome)) {
                nodeIndex = (nodeIndex + 1) % nodes.size();
                sleepQuietly(QueueWorkload.BACKOFF_MS);
            } else if (maxThinkMs > 0) {
                sleepQuietly(random.nextInt(maxThinkMs + 1));
            }
        }
    }

    /** The node could not serve: a refusal (503), an unknown outcome, or no answer at all. */
    private static boolean unavailable(Outcome o) {
        return o.kind() == Outcome.Kind.INFO || o.status() == 503;
    }

    private Outcome get(NodeClient http, URI url, Recorder recorder, int process, String key, String node,
                        Map<String, JsonNode> lastSeen) {
        Recorder.Op read = recorder.invoke(process, "read", key, null, node);
        Outcome o = http.post(url, "/cache/get", NodeClient.JSON.createObjectNode().put("key", key));
        if (absent(o)) {
            read.ok(null, Map.of("found", false));
            stats.read(false, "absent");
            lastSeen.put(key, null);
            return o;
        }
        if (o.kind() == Outcome.Kind.OK) {
            JsonNode body = o.body();
            JsonNode val = body == null ? null : body.get("val");
            if (val == null || val.isNull()) {
                // 200 must carry the value; record what was seen as unknown rather than guess.
                stats.unexpected("get answered 200 without val: " + body);
                read.info("200 without val: " + body);
                return new Outcome(Outcome.Kind.INFO, o.status(), body, "200 without val");
            }
            boolean hit = body.path("hit").asBoolean(false);
            String state = body.path("state").asText("?");
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("hit", hit);
            extra.put("state", state);
            extra.put("version", body.path("version").asLong(-1));
            read.ok(val, extra);
            stats.read(hit, state);
            lastSeen.put(key, val);
            return o;
        }
        complete(read, o, null);
        return o;
    }

    private Outcome put(NodeClient http, URI url, Recorder recorder, int process, String key, String node,
                        Map<String, JsonNode> lastSeen) {
        JsonNode val = NODES.numberNode(nextValue.getAndIncrement());
        Recorder.Op write = recorder.invoke(process, "write", key, val, node);
        Outcome o = http.post(url, "/cache/put", NodeClient.JSON.createObjectNode().put("key", key).set("val", val));
        complete(write, o, val);
        if (o.kind() == Outcome.Kind.OK) {
            stats.writes.incrementAndGet();
            lastSeen.put(key, val);
        }
        return o;
    }

    private Outcome cas(NodeClient http, URI url, Recorder recorder, int process, String key, String node,
                        Map<String, JsonNode> lastSeen) {
        JsonNode expected = lastSeen.get(key);
        JsonNode val = NODES.numberNode(nextValue.getAndIncrement());
        ArrayNode pair = NODES.arrayNode().add(expected == null ? NODES.nullNode() : expected).add(val);
        Recorder.Op cas = recorder.invoke(process, "cas", key, pair, node);
        ObjectNode request = NodeClient.JSON.createObjectNode().put("key", key);
        request.set("expected", expected == null ? NODES.nullNode() : expected);
        request.set("val", val);
        Outcome o = http.post(url, "/cache/cas", request);
        if (o.status() == 409 && o.body() != null && "cas mismatch".equals(o.body().path("error").asText())) {
            cas.fail(o.error());
            stats.casMismatches.incrementAndGet();
            // The current value, as the mismatch reported it, is the next attempt's expectation.
            JsonNode current = o.body().get("current");
            lastSeen.put(key, current == null || current.isNull() ? null : current);
            return o;
        }
        complete(cas, o, pair);
        if (o.kind() == Outcome.Kind.OK) {
            stats.casOk.incrementAndGet();
            lastSeen.put(key, val);
        }
        return o;
    }

    private Outcome del(NodeClient http, URI url, Recorder recorder, int process, String key, String node,
                        Map<String, JsonNode> lastSeen) {
        Recorder.Op write = recorder.invoke(process, "write", key, null, node);
        Outcome o = http.post(url, "/cache/del", NodeClient.JSON.createObjectNode().put("key", key));
        if (absent(o)) {
            write.ok(null, Map.of("op", "del", "found", false));
            stats.dels.incrementAndGet();
            lastSeen.put(key, null);
            return o;
        }
        if (o.kind() == Outcome.Kind.OK) {
            write.ok(null, Map.of("op", "del", "version", o.body() == null ? -1 : o.body().path("version").asLong(-1)));
            stats.dels.incrementAndGet();
            lastSeen.put(key, null);
            return o;
        }
        complete(write, o, null);
        return o;
    }

    /** 404 {@code {"found":false}}: the key does not exist (any other 404 is not the cache's answer). */
    private static boolean absent(Outcome o) {
        return o.status() == 404 && o.body() != null && o.body().has("found") && !o.body().path("found").asBoolean(true);
    }

    private void complete(Recorder.Op op, Outcome o, JsonNode okValue) {
        switch (o.kind()) {
            case OK -> {
                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put("version", o.body() == null ? -1 : o.body().path("version").asLong(-1));
                op.ok(okValue, extra);
            }
            case FAIL -> {
                op.fail(o.error());
                if (o.status() != 503) {
                    stats.unexpected(o.error() + (o.body() == null ? "" : " " + o.body()));
                }
            }
            case INFO -> op.info(o.error());
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Counts for the run's summary: how reads were served, and what the writes did. */
    static final class Stats {
        final AtomicLong reads = new AtomicLong();
        final AtomicLong hits = new AtomicLong();
        final AtomicLong writes = new AtomicLong();
        final AtomicLong casOk = new AtomicLong();
        final AtomicLong casMismatches = new AtomicLong();
        final AtomicLong dels = new AtomicLong();
        final AtomicLong unexpectedCount = new AtomicLong();
        private final Map<String, Long> hitsByState = new LinkedHashMap<>();
        private final Map<String, Long> missesByState = new LinkedHashMap<>();
        private volatile String firstUnexpected;

        synchronized void read(boolean hit, String state) {
            reads.incrementAndGet();
            if (hit) {
                hits.incrementAndGet();
                hitsByState.merge(state, 1L, Long::sum);
            } else {
                missesByState.merge(state, 1L, Long::sum);
            }
        }

        void unexpected(String what) {
            if (unexpectedCount.getAndIncrement() == 0) {
                firstUnexpected = what;
            }
        }

        synchronized String describe() {
            long r = reads.get();
            StringBuilder s = new StringBuilder();
            s.append(String.format("cache: %d ok gets, %d hits (%.1f%%) by line state %s, misses by resulting state %s; "
                            + "%d puts, %d cas ok, %d cas mismatch, %d dels",
                    r, hits.get(), r == 0 ? 0.0 : 100.0 * hits.get() / r, hitsByState, missesByState,
                    writes.get(), casOk.get(), casMismatches.get(), dels.get()));
            if (unexpectedCount.get() > 0) {
                s.append("; ").append(unexpectedCount.get()).append(" unexpected answer(s), first: ").append(firstUnexpected);
            }
            return s.toString();
        }
    }
}
