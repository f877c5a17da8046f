package dev.dsync.sim;

import dev.dsync.node.NodeClock;
import dev.dsync.node.ServiceModule;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.dsync.queue.PartitionRing;
import dev.dsync.queue.QueueCommand;
import dev.dsync.queue.QueueService;
import dev.dsync.queue.QueueStateMachine;
import dev.dsync.raft.Entry;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.statemachine.Envelope;
import dev.dsync.statemachine.StateMachine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    private enum Kind { ENQUEUE, DEQUEUE, ACK, STALE_ACK, NACK }

    /** One request of a client, what it was for, and its envelope (for retries). */
    private record Request(Kind kind, byte[] envelope, long msgId) {}

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
    /** Each node's service for its current lifetime (the simulation uses its state machine and its leader duty). */
    private final Map<String, QueueService> services = new java.util.HashMap<>();

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
    public byte[] nextRequest(int client, SimNode target) {
        List<Request> mine = recent.get(client);
        if (!draining && !mine.isEmpty() && sim.random.nextInt(100) < 8) {
            pending[client] = mine.get(sim.random.nextInt(mine.size())); // a retry: a session answers it once
            return pending[client].envelope();
        }
        boolean producer = client < PRODUCERS;
        if (producer && draining) {
            return null;
        }
        Request request = producer ? enqueue(client, target) : consume(client, target);
        pending[client] = request;
        if (request.kind() == Kind.ENQUEUE || request.kind() == Kind.ACK) {
            mine.add(request);
            if (mine.size() > 8) {
                mine.removeFirst();
            }
        }
        return request.envelope();
    }

    private Request enqueue(int client, SimNode target) {
        String key = "k" + sim.random.nextInt(KEYS);
        String value = "v" + requestSeq;
        int maxDeliveries = sim.random.nextInt(10) < 3 ? 2 + sim.random.nextInt(2) : 10;
        QueueCommand.Enqueue command = new QueueCommand.Enqueue(QUEUE, key, TextNode.valueOf(value), maxDeliveries);
        record.sent(key, value);
        boolean session = sim.random.nextInt(3) != 0; // without one, a retry enqueues a second copy
        return new Request(Kind.ENQUEUE, envelope(client, target, command, session), 0);
    }

    private Request consume(int client, SimNode target) {
        Held h = held[client];
        if (h == null) {
            String queue = sim.random.nextInt(draining ? 2 : 10) == 0 ? DEAD_LETTERS : QUEUE;
            int partition = sim.random.nextInt(10) == 0 ? sim.random.nextInt(PartitionRing.PARTITIONS) : QueueCommand.ANY_PARTITION;
            long visibilityMs = draining ? 300 : 100 + sim.random.nextInt(1400);
            return new Request(Kind.DEQUEUE, envelope(client, target, new QueueCommand.Dequeue(queue, "c" + client, visibilityMs, partition),
                    sim.random.nextBoolean()), 0);
        }
        int dice = draining ? 0 : sim.random.nextInt(100);
        if (dice < 60) {
            return ack(client, target, h, h.receipt(), Kind.ACK);
        } else if (dice < 70) {
            return ack(client, target, h, null, Kind.ACK); // "whichever delivery is the latest"
        } else if (dice < 80) {
            return new Request(Kind.NACK, envelope(client, target, new QueueCommand.Nack(h.msgId(), h.receipt(), sim.random.nextInt(300)),
                    true), h.msgId());
        } else if (dice < 88) {
            return ack(client, target, h, h.msgId() + "-" + (h.deliveryCount() - 1), Kind.STALE_ACK);
        }
        sim.log("consumer c" + client + " crashes holding " + h.receipt());
        consumerCrashes++;
        held[client] = null; // the consumer dies: its lease must run out and the message be delivered again
        return consume(client, target);
    }

    private Request ack(int client, SimNode target, Held h, String receipt, Kind kind) {
        return new Request(kind, envelope(client, target, new QueueCommand.Ack(h.msgId(), receipt), true), h.msgId());
    }

    private byte[] envelope(int client, SimNode target, QueueCommand command, boolean session) {
        long seq = requestSeq++;
        return new Envelope(target.stamps.wallMs(), session ? "c" + client : null, session ? "r" + seq : null, command.encode()).encode();
    }

    @Override
    public void onAnswer(int client, ApplyResult result) {
        Request request = pending[client];
        pending[client] = null;
        JsonNode body = result.body();
        switch (request.kind()) {
            case ENQUEUE -> record.enqueueAcknowledged(request.envelope(), result);
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
                record.staleAckAnswered(request.msgId(), result);
                staleAcks++;
            }
        }
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
        checks.onApplied(n, e, result);
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
