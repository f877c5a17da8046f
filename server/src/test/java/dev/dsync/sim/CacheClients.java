package dev.dsync.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.node.Futures;
import java.util.Locale;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cache's clients: closed loop, one operation at a time each, sent mostly to the client's own
 * node (else to a random running one):
 * get, put, cas or del on a few keys, with a unique value per write. An operation ends
 * <ul>
 *   <li>ok: a get's value (a hit or the leader's answer to a miss), or a write the leader
 *       acknowledged and the node it was sent to has applied;
 *   <li>fail: certainly without effect (no leader known, refused, entry lost to another leader's,
 *       cas mismatch); a get that gets no answer fails too (a read has no effect);
 *   <li>info: a write that timed out or whose leader lost office before acknowledging it; the
 *       client continues under a new process id, as the history format requires.
 * </ul>
 * A del is recorded as a write of null: the {@code kv} model's initial value null means absent,
 * and a del of an absent key (404) leaves it absent, which is what writing null does too.
 */
final class CacheClients {
    static final int CLIENTS = 5;
    static final List<String> KEYS = List.of("k0", "k1", "k2", "k3", "k4", "k5");

    enum Kind { GET, PUT, CAS, DEL }

    /** One client operation. */
    static final class Op {
        final long id;
        final int client;
        final int process;
        final Kind kind;
        final String key;
        /** The new value of a put or cas. */
        final JsonNode value;
        /** A cas's expected value; JSON null: "only if absent". */
        final JsonNode expected;
        final String sessionClient;
        final String requestId;
        /** The node the client sent it to. */
        final String node;
        boolean done;

        Op(long id, int client, int process, Kind kind, String key, JsonNode value, JsonNode expected, boolean session, String node) {
            this.id = id;
            this.client = client;
            this.process = process;
            this.kind = kind;
            this.key = key;
            this.value = value;
            this.expected = expected;
            this.sessionClient = session ? "c" + client : null;
            this.requestId = session ? "w" + id : null;
            this.node = node;
        }

        @Override
        public String toString() {
            return "op " + id + " (client " + client + ", p" + process + ") " + kind + " " + key
                    + (kind == Kind.CAS ? " " + expected + "->" + value : value == null ? "" : " " + value);
        }
    }

    private final Simulation sim;
    private final CacheSimService service;
    final CacheHistory history = new CacheHistory();
    private final Op[] current = new Op[CLIENTS];
    private final int[] process = new int[CLIENTS];
    private int nextProcess = CLIENTS;
    private long opSeq;
    private int valueSeq;
    /** Per key, the version of the newest write (put, cas, del) a client saw acknowledged. */
    final Map<String, Long> acknowledgedVersion = new HashMap<>();
    /** Per key, the value some client last saw: what a cas usually expects. */
    private final Map<String, JsonNode> lastSeen = new HashMap<>();
    /** Clients keep going after the fault phase while this is set. */
    boolean afterFaults;
    private int loopGeneration;

    CacheClients(Simulation sim, CacheSimService service) {
        this.sim = sim;
        this.service = service;
        for (int c = 0; c < CLIENTS; c++) {
            process[c] = c;
        }
    }

    void begin() {
        int generation = ++loopGeneration;
        sim.schedule(1 + sim.random.nextInt(20), new Runnable() {
            @Override
            public void run() {
                if (generation == loopGeneration && (sim.faultPhase || afterFaults)) {
                    step();
                    sim.schedule(10 + sim.random.nextInt(70), this);
                }
            }
        });
    }

    boolean idle() {
        for (Op op : current) {
            if (op != null) {
                return false;
            }
        }
        return true;
    }

    private void step() {
        int client = sim.random.nextInt(CLIENTS);
        List<SimNode> up = sim.upNodes();
        if (current[client] != null || up.isEmpty()) {
            return;
        }
        SimNode home = sim.nodes.get(client % sim.nodes.size()); // clients mostly stay with one node, so lines get reused
        SimNode node = home.up() && sim.random.nextInt(4) != 0 ? home : up.get(sim.random.nextInt(up.size()));
        String key = KEYS.get(sim.random.nextInt(KEYS.size()));
        int dice = sim.random.nextInt(100);
        Kind kind = dice < 70 ? Kind.GET : dice < 85 ? Kind.PUT : dice < 94 ? Kind.CAS : Kind.DEL;
        JsonNode value = kind == Kind.PUT || kind == Kind.CAS ? IntNode.valueOf(++valueSeq) : null;
        JsonNode expected = null;
        if (kind == Kind.CAS) {
            expected = sim.random.nextInt(10) < 7 ? lastSeen.get(key)
                    : sim.random.nextInt(4) == 0 ? null : IntNode.valueOf(sim.random.nextInt(valueSeq));
            expected = expected == null ? NullNode.getInstance() : expected;
        }
        Op op = new Op(++opSeq, client, process[client], kind, key, value, expected, sim.random.nextInt(3) != 0, node.id);
        current[client] = op;
        history.invoke(sim.now, op);
        sim.log("client " + op + " at " + node.id);
        long timeout = 300 + sim.random.nextInt(700);
        sim.schedule(timeout, () -> {
            if (!op.done) {
                sim.log("client " + op + " times out");
                if (op.kind == Kind.GET) {
                    fail(op);
                } else {
                    unknown(op);
                }
            }
        });
        submit(node, op);
    }

    /**
     * Sends {@code op} to {@code node} as its HTTP route would hand it over, and reads the answer
     * as a client of the API does (README: 503 certainly not done unless it says the outcome is
     * unknown, 504 unknown).
     */
    private void submit(SimNode node, Op op) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("key", op.key);
        switch (op.kind) {
            case PUT -> body.set("val", op.value);
            case CAS -> {
                body.set("expected", op.expected);
                body.set("val", op.value);
            }
            default -> {}
        }
        if (op.kind != Kind.GET && op.sessionClient != null) {
            body.put("client_id", op.sessionClient).put("request_id", op.requestId);
        }
        ApiRequest request = new ApiRequest("POST", "/cache/" + op.kind.name().toLowerCase(Locale.ROOT), Map.of(), body.toString().getBytes(UTF_8),
                false);
        node.endpoints.serve(request, null).whenComplete((response, error) -> {
            try {
                answered(op, Futures.answer(response, error));
            } catch (RuntimeException | AssertionError bug) {
                sim.bug(bug);
            }
        });
    }

    private void answered(Op op, ApiResponse answer) {
        JsonNode body = answer.body();
        int status = answer.status();
        if (op.kind == Kind.GET) {
            switch (status) {
                case 200 -> read(op, body.get("val"), body.path("hit").asBoolean());
                case 404 -> read(op, null, false);
                case 410, 503, 504 -> fail(op); // a read has no effect: unanswered is failed
                default -> throw new AssertionError("unexpected answer " + status + " " + body + " to " + op);
            }
            return;
        }
        switch (status) {
            case 200 -> written(op, body.path("version").asLong());
            case 409, 410 -> fail(op); // cas mismatch, or a node removed from the cluster: nothing written
            case 404 -> written(op, 0); // del of an absent key: it stays absent
            case 503 -> {
                if ("unknown".equals(body.path("outcome").asText())) {
                    unknown(op);
                } else {
                    fail(op);
                }
            }
            case 504 -> unknown(op);
            default -> throw new AssertionError("unexpected answer " + status + " " + body + " to " + op);
        }
    }

    /** A get answered {@code value} (null: absent), from a hit or from the leader. */
    void read(Op op, JsonNode value, boolean hit) {
        if (finish(op, "ok " + value)) {
            lastSeen.put(op.key, value);
            history.ok(sim.now, op, value, hit ? "(hit)" : "(from the leader)");
        }
    }

    /** A write was acknowledged; {@code version} 0 for a del of an absent key. */
    void written(Op op, long version) {
        if (finish(op, "ok at version " + version)) {
            if (version > 0) {
                acknowledgedVersion.merge(op.key, version, Math::max);
            }
            lastSeen.put(op.key, op.kind == Kind.DEL ? null : op.value);
            history.ok(sim.now, op, null, version > 0 ? "(version " + version + ")" : "(was absent)");
        }
    }

    void fail(Op op) {
        if (finish(op, "fail")) {
            history.fail(sim.now, op);
        }
    }

    void unknown(Op op) {
        if (finish(op, "info")) {
            history.info(sim.now, op);
            process[op.client] = nextProcess++;
        }
    }

    private boolean finish(Op op, String outcome) {
        if (op.done) {
            return false;
        }
        op.done = true;
        service.count(outcome.startsWith("ok") ? "opsOk" : outcome.equals("fail") ? "opsFailed" : "opsUnknown");
        current[op.client] = null;
        sim.log("client " + op + ": " + outcome);
        return true;
    }
}
