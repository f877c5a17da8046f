package dev.dsync.sim;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.node.NodeClock;
import dev.dsync.node.ServiceModule;
import dev.dsync.queue.PartitionRing;
import dev.dsync.queue.QueueCommand;
import dev.dsync.queue.QueueService;
import dev.dsync.queue.QueueStateMachine;
import dev.dsync.raft.Entry;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.statemachine.StateMachine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The queue service in the simulation. Producers enqueue unique values under a few keys (so
 * per-key order matters), often with a session id, and sometimes retry one of their recent
 * requests. Consumers dequeue with a visibility timeout, then ack, nack, ack with a stale receipt,
 * or "crash" (never ack, so the lease runs out and the leader's expiry duty makes the message
 * deliverable again). The leader's duty is the node's own, {@link QueueService#leaderDuties}.
 * Checks are {@link QueueChecks}' after every apply; what clients saw is judged by
 * {@link QueueClientRecord}, finally after {@link #finish} drained the queue.
 */
final class QueueSimService implements SimService {
    static final String QUEUE = "jobs";
    private static final String DEAD_LETTERS = QUEUE + ".dlq";
    private static final int PRODUCERS = 2;
    private static final int CONSUMERS = 4;
    private static final int KEYS = 6;
    private static final long DRAIN_LIMIT_MS = 60_000;

    private enum Kind { ENQUEUE, DEQUEUE, ACK, STALE_ACK, NACK, STATS }

    /** One request of a client, what it was for (an enqueue: what it enqueues), as sent (for retries). */
    private record Request(Kind kind, ApiRequest request, long msgId, QueueClientRecord.Enqueued enqueued) {}

    /** A delivery a consumer holds. */
    private record Held(long msgId, String receipt, int deliveryCount) {}

    private final Simulation sim;
    private final QueueClientRecord record = new QueueClientRecord();
    private final QueueChecks checks = new QueueChecks(record.acknowledged);
    private final Request[] pending = new Request[PRODUCERS + CONSUMERS];
    private final Held[] held = new Held[PRODUCERS + CONSUMERS];
    /** Per client, its recent enqueues and acks: a retry resends one (sessions keep the last 64 answers). */
    private final List<List<Request>> recent = new ArrayList<>();
    private long requestSeq;
    private boolean draining;
    private long consumerCrashes;
    private long staleAcks;
    private final Map<String, Long> finalTotals = new LinkedHashMap<>();
    /** Per enqueued value, how many attempts of its request were sent (retries resend the same request). */
    private final Map<String, Integer> attempts = new HashMap<>();
    /** Values whose enqueue some attempt was refused, with the refusal; values some node committed. */
    private final Map<String, String> refusedValues = new HashMap<>();
    private final Set<String> committedValues = new HashSet<>();
    /** Each node's service for its current lifetime (the simulation uses its state machine and its leader duty). */
    private final Map<String, QueueService> services = new HashMap<>();

    QueueSimService(Simulation sim) {
        this.sim = sim;
        for (int c = 0; c < PRODUCERS + CONSUMERS; c++) {
            recent.add(new ArrayList<>());
        }
    }

    @Override
    public String name() {
        return "queue";
    }

    @Override
    public StateMachine newStateMachine(SimNode n) {
        QueueService service = new QueueService();
        services.put(n.id, service);
        return service.stateMachine();
    }

    @Override
    public int clients() {
        return PRODUCERS + CONSUMERS;
    }

    @Override
    public ApiRequest nextRequest(int client) {
        List<Request> mine = recent.get(client);
        if (!draining && !mine.isEmpty() && sim.random.nextInt(100) < 8) {
            pending[client] = mine.get(sim.random.nextInt(mine.size())); // a retry: a session answers it once
            if (pending[client].kind() == Kind.ENQUEUE) {
                attempts.merge(pending[client].enqueued().value().asText(), 1, Integer::sum);
            }
            return pending[client].request();
        }
        boolean producer = client < PRODUCERS;
        if (producer && draining) {
            return null;
        }
        Request request = producer ? enqueue(client) : consume(client);
        pending[client] = request;
        if (request.kind() == Kind.ENQUEUE) {
            attempts.merge(request.enqueued().value().asText(), 1, Integer::sum);
        }
        if (request.kind() == Kind.ENQUEUE || request.kind() == Kind.ACK) {
            mine.add(request);
            if (mine.size() > 8) {
                mine.removeFirst();
            }
        }
        return request.request();
    }

    private Request enqueue(int client) {
        String key = "k" + sim.random.nextInt(KEYS);
        String value = "v" + requestSeq;
        int maxDeliveries = sim.random.nextInt(10) < 3 ? 2 + sim.random.nextInt(2) : 10;
        record.sent(key, value);
        boolean session = sim.random.nextInt(3) != 0; // without one, a retry enqueues a second copy
        ObjectNode body = ApplyResult.object().put("queue", QUEUE).put("key", key).put("value", value).put("max_deliveries", maxDeliveries);
        return new Request(Kind.ENQUEUE, post("/queue/enq", client, body, session), 0, new QueueClientRecord.Enqueued(key, TextNode.valueOf(value)));
    }

    private Request consume(int client) {
        Held h = held[client];
        if (h == null) {
            String queue = sim.random.nextInt(draining ? 2 : 10) == 0 ? DEAD_LETTERS : QUEUE;
            if (!draining && sim.random.nextInt(20) == 0) {
                return new Request(Kind.STATS, new ApiRequest("GET", "/queue/stats", Map.of("queue", queue), new byte[0], false), 0, null);
            }
            ObjectNode body = ApplyResult.object().put("queue", queue).put("consumer_id", "c" + client)
                    .put("visibility_ms", draining ? 300 : 100 + sim.random.nextInt(1400));
            if (sim.random.nextInt(10) == 0) {
                body.put("partition", sim.random.nextInt(PartitionRing.PARTITIONS));
            }
            if (sim.random.nextInt(3) == 0) {
                body.put("wait_ms", 20 + sim.random.nextInt(300)); // a long poll: peeks, waits for changes, proposes when ready
            }
            return new Request(Kind.DEQUEUE, post("/queue/deq", client, body, false), 0, null);
        }
        int dice = draining ? 0 : sim.random.nextInt(100);
        if (dice < 60) {
            return ack(client, h, h.receipt(), Kind.ACK);
        } else if (dice < 70) {
            return ack(client, h, null, Kind.ACK); // "whichever delivery is the latest"
        } else if (dice < 80) {
            ObjectNode body = ApplyResult.object().put("msg_id", h.msgId()).put("receipt", h.receipt()).put("delay_ms", sim.random.nextInt(300));
            return new Request(Kind.NACK, post("/queue/nack", client, body, true), h.msgId(), null);
        } else if (dice < 88) {
            return ack(client, h, h.msgId() + "-" + (h.deliveryCount() - 1), Kind.STALE_ACK);
        }
        sim.log("consumer c" + client + " crashes holding " + h.receipt());
        consumerCrashes++;
        held[client] = null; // the consumer dies: its lease must run out and the message be delivered again
        return consume(client);
    }

    private Request ack(int client, Held h, String receipt, Kind kind) {
        ObjectNode body = ApplyResult.object().put("msg_id", h.msgId());
        if (receipt != null) {
            body.put("receipt", receipt);
        }
        return new Request(kind, post("/queue/ack", client, body, true), h.msgId(), null);
    }

    /** A POST as a client sends it, with a session (client_id + request_id) when asked for. */
    private ApiRequest post(String path, int client, ObjectNode body, boolean session) {
        long seq = requestSeq++;
        if (session) {
            body.put("client_id", "c" + client).put("request_id", "r" + seq);
        }
        return new ApiRequest("POST", path, Map.of(), body.toString().getBytes(UTF_8), false);
    }

    @Override
    public void onAnswer(int client, ApiResponse answer) {
        Request request = pending[client];
        pending[client] = null;
        JsonNode body = answer.body();
        switch (request.kind()) {
            case ENQUEUE -> record.enqueueAcknowledged(request.enqueued(), answer);
            case DEQUEUE -> {
                if (body.has("msg_id")) {
                    record.delivered(body);
                    held[client] = new Held(body.path("msg_id").asLong(), body.path("receipt").asText(), body.path("delivery_count").asInt());
                }
            }
            case ACK, NACK -> {
                if (held[client] != null && held[client].msgId() == request.msgId()) {
                    held[client] = null; // done with it, whether the ack was taken or the lease had moved on
                }
            }
            case STALE_ACK -> {
                record.staleAckAnswered(request.msgId(), answer);
                staleAcks++;
            }
            case STATS -> {
                if (answer.status() != 200 || body.path("depth").asLong(-1) < 0) {
                    throw new AssertionError("stats answered " + answer.status() + " " + body);
                }
            }
        }
    }

    /**
     * A refused enqueue (503, not "outcome":"unknown") certainly did not happen: unless another
     * attempt of the same request was sent (a retry, whose outcome is its own), its value must
     * never be committed, before or after the answer.
     */
    @Override
    public void onRefused(int client, ApiResponse answer) {
        Request request = pending[client];
        if (request != null && request.kind() == Kind.ENQUEUE) {
            String value = request.enqueued().value().asText();
            refusedValues.put(value, answer.body().toString());
            if (attempts.get(value) == 1 && committedValues.contains(value)) {
                throw new AssertionError("enqueue of " + value + " was answered " + answer.body() + " (certainly not done), but it committed");
            }
        }
        onGaveUp(client);
    }

    @Override
    public void onGaveUp(int client) {
        Request request = pending[client];
        pending[client] = null;
        if (request != null && request.kind() != Kind.DEQUEUE && request.kind() != Kind.ENQUEUE) {
            held[client] = null; // unsure whether the ack landed: let the lease run out instead
        }
    }

    /** The node's service: the simulation runs its leader duties (lease expiry on the leader's own clock) as the node's loop does. */
    @Override
    public ServiceModule module(SimNode n) {
        return services.get(n.id);
    }

    @Override
    public NodeClock clock(SimNode n) {
        return n.offsetClock(() -> sim.now);
    }

    @Override
    public void onRestored(SimNode n, boolean restarted) {
        checks.onRestored(n);
    }

    @Override
    public void onApplied(SimNode n, Entry e, ApplyResult result) {
        if (checks.onApplied(n, e, result) instanceof QueueCommand.Enqueue enq) {
            String value = enq.value().asText();
            if (committedValues.add(value) && refusedValues.containsKey(value) && attempts.get(value) == 1) {
                throw new AssertionError("enqueue of " + value + " was answered " + refusedValues.get(value)
                        + " (certainly not done), but it committed at index " + e.index());
            }
        }
    }

    @Override
    public byte[] probeCommand() {
        return new QueueCommand.ExpireLeases(List.of()).encode();
    }

    /**
     * Consumers dequeue and ack until every node's queue is empty; then the clients stop, every
     * node catches up with the leader, and what clients saw is judged on each.
     */
    @Override
    public void finish() {
        draining = true;
        long deadline = sim.now + DRAIN_LIMIT_MS;
        sim.log("drain begins");
        do { // again if a message committed late (an enqueue from before the heal) shows up after the stop
            sim.workload.clientsAfterFaults = true;
            sim.workload.begin();
            while (!allEmpty() && sim.now < deadline) {
                sim.runUntil(sim.now + 50);
            }
            sim.workload.clientsAfterFaults = false;
            while (!caughtUp() && sim.now < deadline) {
                sim.runUntil(sim.now + 50);
            }
        } while (!allEmpty() && sim.now < deadline);
        if (!allEmpty() || !caughtUp()) {
            SimNode leader = sim.leader();
            throw new AssertionError("queue did not drain within " + DRAIN_LIMIT_MS + " ms: leader "
                    + (leader == null ? "none" : leader.id + " " + QueueChecks.queue(leader).stats(QUEUE).path("depth") + " waiting, "
                    + QueueChecks.queue(leader).stats(QUEUE).path("in_flight") + " in flight, "
                    + QueueChecks.queue(leader).stats(DEAD_LETTERS).path("depth") + " dead-lettered waiting") + "; " + nodeSummary());
        }
        for (SimNode n : sim.members()) {
            record.checkDrained(n, checks.ledger(n));
        }
        QueueStateMachine q = QueueChecks.queue(sim.leader());
        finalTotals.put("enqueued", q.enqueuedTotal());
        finalTotals.put("acknowledgedEnqueues", (long) record.acknowledged.size());
        finalTotals.put("delivered", q.deliveredTotal());
        finalTotals.put("redelivered", q.redeliveredTotal());
        finalTotals.put("deadLettered", q.deadLetteredTotal());
        finalTotals.put("consumerCrashes", consumerCrashes);
        finalTotals.put("staleAcksRefused", staleAcks);
    }

    @Override
    public Map<String, Long> stats() {
        return finalTotals;
    }

    private String nodeSummary() {
        StringBuilder text = new StringBuilder();
        for (SimNode n : sim.nodes) {
            text.append(n.id).append(n.up() ? " applied " + n.machine.lastApplied() + " holds " + QueueChecks.queue(n).messageCount() : " down")
                    .append("; ");
        }
        return text.toString();
    }

    private boolean allEmpty() {
        for (SimNode n : sim.members()) {
            if (!n.up() || QueueChecks.queue(n).messageCount() != 0) {
                return false;
            }
        }
        return sim.leader() != null;
    }

    /** Every node applied all that the leader committed. */
    private boolean caughtUp() {
        SimNode leader = sim.leader();
        if (leader == null) {
            return false;
        }
        for (SimNode n : sim.members()) {
            if (!n.up() || n.machine.lastApplied() < leader.core.commitIndex()) {
                return false;
            }
        }
        return true;
    }
}
