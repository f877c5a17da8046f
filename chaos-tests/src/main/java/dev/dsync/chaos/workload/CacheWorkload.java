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
 * <p>Clients 0 to n-1 (n nodes) are readers that never leave their node: they only get, give up on
 * a get after {@link #STICKY_READ_TIMEOUT}, and stay when the node refuses or times out, so whichever
 * node a fault isolates, one client keeps reading there. At an old leader cut off from the majority that is where a stale hit would show: its read
 * lease must run out before any write it missed is acknowledged. For {@link #RECENT_ANSWER} after a
 * get timed out, a sticky reader reads keys its node answered within that long (copies it holds, keys
 * it knows absent) rather than ones that need a copy installed: at a node cut off from its leader, a
 * miss of such a key waits for a fill that cannot commit, while what the node answers by itself is
 * exactly what a fault can make stale. Without this the reader at an old leader spent the whole
 * window in timed-out misses (partition seed 1).
 *
 * <p>Writes carry a {@code client_id} and a {@code request_id} (also on the invoke line). With
 * {@code fullApi}, a write with an unknown outcome is sent again, same request id, from a fresh
 * process, up to {@value #RETRIES} times, each retry recorded as its own operation; the kv model
 * of the current checker would read a retry answered from the server's dedup table as a second
 * write, so retries wait for a checker that knows request ids.
 *
 * <p>Ok reads carry {@code hit}, {@code state} (the serving node's line: M, E, S, or I when none
 * was installed) and {@code version} as extra fields on their history line; writes carry
 * {@code version} and deletes {@code "op":"del"}. The checker ignores these fields.
 */
public final class CacheWorkload implements Workload {
    private static final int MAX_OPS_PER_CLIENT = 100_000;
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * A sticky reader gives up on a get after this long (an unknown outcome; a read's constrains
     * nothing). A miss at a node cut off from its leader hangs until the heal; with the writers'
     * timeout the reader sat in the one miss it sent as the cut began and never read again while it
     * lasted, so a node serving hits past its lease went unseen (found with make mutants).
     */
    static final Duration STICKY_READ_TIMEOUT = Duration.ofMillis(500);
    /** For this long after a timed-out get a sticky reader picks among the keys its node answered this recently. */
    private static final Duration RECENT_ANSWER = Duration.ofSeconds(1);
    /** Out of 100: get, then put, then cas; the rest are dels. */
    private static final int GET = 60;
    private static final int PUT = 18;
    private static final int CAS = 17;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final int RETRIES = 2;
    /** What a node removed from the cluster answers to every service request: it did nothing. */
    static final int REMOVED = 410;

    private final int clients;
    private final List<String> keys;
    private final long seed;
    private final int maxThinkMs;
    private final AtomicInteger nextProcess;
    /** Source of unique written values. */
    private final AtomicLong nextValue = new AtomicLong(1);
    private final CacheStats stats = new CacheStats();
    private final boolean fullApi;

    /** A write to send again with the same request id after an unknown outcome (fullApi only). */
    private record Pending(String f, String key, JsonNode val, JsonNode expected, String requestId, int attempt) {}

    /**
     * @param maxThinkMs each client pauses up to this long between operations (0: none), which
     *                   keeps a run's history within what the checker searches quickly
     */
    public CacheWorkload(int clients, int keyCount, int maxThinkMs, long seed) {
        this(clients, keyCount, maxThinkMs, seed, false);
    }

    /** @param fullApi retry writes with unknown outcomes by request id, recording each retry */
    public CacheWorkload(int clients, int keyCount, int maxThinkMs, long seed, boolean fullApi) {
        this.fullApi = fullApi;
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
            int thread = c;
            threads.add(Thread.ofVirtual().name("cache-client-" + c).start(() -> client(thread, cluster, recorder, stop)));
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    @Override
    public String stats() {
        return stats.describe();
    }

    private void client(int thread, Cluster cluster, Recorder recorder, AtomicBoolean stop) {
        Random random = new Random(seed * 31 + thread);
        boolean sticky = thread < cluster.nodeIds().size();
        NodeClient http = new NodeClient(sticky ? STICKY_READ_TIMEOUT : CLIENT_TIMEOUT);
        int process = thread;
        // Into the current members: a sticky reader reads at the thread-th member, so when its node
        // is removed it takes the member that moved into its place; the others go round.
        int nodeIndex = thread;
        String clientId = "w" + thread;
        int nextRequest = 0;
        Pending pending = null;
        // The value this client last saw for each key (null: absent or never seen): its next cas expects it.
        Map<String, JsonNode> lastSeen = new HashMap<>();
        // Sticky readers: when each key's last get at this node was answered (see the class comment).
        Map<String, Long> answeredAt = new HashMap<>();
        long timedOutAt = System.nanoTime() - 2 * RECENT_ANSWER.toNanos();
        for (int op = 0; op < MAX_OPS_PER_CLIENT && !stop.get(); op++) {
            String node = cluster.nodeAt(nodeIndex);
            Ctx c = new Ctx(http, cluster.clientUrl(node), recorder, process, node, clientId, lastSeen);
            Outcome outcome = null;
            Pending write = pending;
            pending = null;
            if (write == null) {
                boolean afterTimeout = System.nanoTime() - timedOutAt < RECENT_ANSWER.toNanos();
                List<String> answered = sticky && afterTimeout ? recentlyAnswered(answeredAt) : List.of();
                String key = !answered.isEmpty() ? answered.get(random.nextInt(answered.size())) : keys.get(random.nextInt(keys.size()));
                int dice = sticky ? 0 : random.nextInt(100);
                String requestId = clientId + "-" + nextRequest++;
                if (dice < GET) {
                    outcome = get(c, key, sticky);
                    if (unavailable(outcome)) {
                        answeredAt.remove(key);
                    } else {
                        answeredAt.put(key, System.nanoTime());
                    }
                    if (outcome.kind() == Outcome.Kind.INFO) {
                        timedOutAt = System.nanoTime();
                    }
                } else if (dice < GET + PUT) {
                    write = new Pending("put", key, NODES.numberNode(nextValue.getAndIncrement()), null, requestId, 0);
                } else if (dice < GET + PUT + CAS) {
                    write = new Pending("cas", key, NODES.numberNode(nextValue.getAndIncrement()), lastSeen.get(key), requestId, 0);
                } else {
                    write = new Pending("del", key, null, null, requestId, 0);
                }
            }
            if (write != null) {
                if (write.attempt() > 0) {
                    stats.retries.incrementAndGet();
                }
                outcome = switch (write.f()) {
                    case "put" -> put(c, write);
                    case "cas" -> cas(c, write);
                    default -> del(c, write);
                };
                if (outcome.kind() == Outcome.Kind.INFO && fullApi && write.attempt() < RETRIES) {
                    pending = new Pending(write.f(), write.key(), write.val(), write.expected(), write.requestId(), write.attempt() + 1);
                }
            }
            // Every path above ran exactly one operation: a get, or a write (first try or retry).
            if (outcome.kind() == Outcome.Kind.INFO) {
                process = nextProcess.getAndIncrement();
            }
            if (unavailable(outcome)) {
                if (!sticky) {
                    nodeIndex++;
                }
                sleepQuietly(sticky ? 2 * QueueWorkload.BACKOFF_MS : QueueWorkload.BACKOFF_MS);
            } else if (maxThinkMs > 0) {
                sleepQuietly(random.nextInt(maxThinkMs + 1));
            }
        }
    }

    /** The keys answered within the last {@link #RECENT_ANSWER}, in key order (the pick stays seeded). */
    private static List<String> recentlyAnswered(Map<String, Long> answeredAt) {
        long since = System.nanoTime() - RECENT_ANSWER.toNanos();
        return answeredAt.entrySet().stream().filter(e -> e.getValue() - since > 0).map(Map.Entry::getKey).sorted().toList();
    }

    /** One operation's surroundings: where it goes, who sends it, what the client last saw. */
    private record Ctx(NodeClient http, URI url, Recorder recorder, int process, String node, String clientId,
                       Map<String, JsonNode> lastSeen) {
        Map<String, Object> ids(Pending w) {
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("client_id", clientId);
            extra.put("request_id", w.requestId());
            if (w.attempt() > 0) {
                extra.put("retry", w.attempt());
            }
            return extra;
        }

        ObjectNode request(Pending w) {
            return NodeClient.JSON.createObjectNode().put("key", w.key()).put("client_id", clientId).put("request_id", w.requestId());
        }
    }

    /** The node could not serve: a refusal (503), a removed node (410), an unknown outcome, or no answer at all. */
    private static boolean unavailable(Outcome o) {
        return o.kind() == Outcome.Kind.INFO || o.status() == 503 || o.status() == REMOVED;
    }

    private Outcome get(Ctx c, String key, boolean sticky) {
        Map<String, JsonNode> lastSeen = c.lastSeen();
        Recorder.Op read = c.recorder().invoke(c.process(), "read", key, null, c.node());
        Outcome o = c.http().post(c.url(), "/cache/get", NodeClient.JSON.createObjectNode().put("key", key));
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
            if (sticky) {
                stats.stickyReads.incrementAndGet();
                stats.stickyHits.addAndGet(hit ? 1 : 0);
            }
            lastSeen.put(key, val);
            return o;
        }
        complete(read, o, null);
        return o;
    }

    private Outcome put(Ctx c, Pending w) {
        Recorder.Op write = c.recorder().invoke(c.process(), "write", w.key(), w.val(), c.node(), c.ids(w));
        Outcome o = c.http().post(c.url(), "/cache/put", c.request(w).set("val", w.val()));
        complete(write, o, w.val());
        if (o.kind() == Outcome.Kind.OK) {
            stats.writes.incrementAndGet();
            c.lastSeen().put(w.key(), w.val());
        }
        return o;
    }

    private Outcome cas(Ctx c, Pending w) {
        JsonNode expected = w.expected();
        ArrayNode pair = NODES.arrayNode().add(expected == null ? NODES.nullNode() : expected).add(w.val());
        Recorder.Op cas = c.recorder().invoke(c.process(), "cas", w.key(), pair, c.node(), c.ids(w));
        ObjectNode request = c.request(w);
        request.set("expected", expected == null ? NODES.nullNode() : expected);
        request.set("val", w.val());
        Outcome o = c.http().post(c.url(), "/cache/cas", request);
        if (o.status() == 409 && o.body() != null && "cas mismatch".equals(o.body().path("error").asText())) {
            cas.fail(o.error());
            stats.casMismatches.incrementAndGet();
            // The current value, as the mismatch reported it, is the next attempt's expectation.
            JsonNode current = o.body().get("current");
            c.lastSeen().put(w.key(), current == null || current.isNull() ? null : current);
            return o;
        }
        complete(cas, o, pair);
        if (o.kind() == Outcome.Kind.OK) {
            stats.casOk.incrementAndGet();
            c.lastSeen().put(w.key(), w.val());
        }
        return o;
    }

    private Outcome del(Ctx c, Pending w) {
        String key = w.key();
        Recorder.Op write = c.recorder().invoke(c.process(), "write", key, null, c.node(), c.ids(w));
        Outcome o = c.http().post(c.url(), "/cache/del", c.request(w));
        if (absent(o)) {
            write.ok(null, Map.of("op", "del", "found", false));
            stats.dels.incrementAndGet();
            c.lastSeen().put(key, null);
            return o;
        }
        if (o.kind() == Outcome.Kind.OK) {
            write.ok(null, Map.of("op", "del", "version", o.body() == null ? -1 : o.body().path("version").asLong(-1)));
            stats.dels.incrementAndGet();
            c.lastSeen().put(key, null);
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
                if (o.status() != 503 && o.status() != REMOVED) {
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
}
