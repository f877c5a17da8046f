package dev.dsync.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dsync.queue.QueueCommand;
import dev.dsync.queue.QueueInvariants;
import dev.dsync.queue.QueueStateMachine;
import dev.dsync.raft.Entry;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.statemachine.Envelope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The queue's checks in the simulation, after every apply and every restore on every node: the
 * state machine's own {@link QueueInvariants}; the node's {@link QueueLedger} (delivery properties);
 * the ledger against the real state (message and in-flight counts per queue, the lease set, the
 * clock, and now and then every message's queue, key, value and delivery count, so an unacked
 * message cannot vanish or change); and that every replica gives the same answer at an index.
 * With every message compared also comes the issue's own wording: each enqueue a client saw
 * acknowledged, at or below the node's applied index, is still in its state or its ack was applied.
 *
 * <p>A node whose state is replaced (restart, snapshot install) gets a ledger rebuilt from the
 * answers recorded for every index up to its applied index: every index below a snapshot was
 * applied by some node before the snapshot was taken, so the record is complete.
 */
final class QueueChecks {
    /** Compare every message of a node with its ledger once in this many applies (it costs a snapshot). */
    private static final int FULL_COMPARE_EVERY = 64;
    private static final int INVARIANTS_EVERY = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Applied(Envelope envelope, QueueCommand command, ApplyResult result) {}

    /** Index -> the command and the first answer any node gave for it (no-ops are absent). */
    private final TreeMap<Long, Applied> history = new TreeMap<>();
    private final Map<String, QueueLedger> ledgers = new HashMap<>();
    private final NavigableMap<Long, ?> acknowledged;
    private long applies;

    /** @param acknowledged msg ids of the enqueues whose answers reached their producer */
    QueueChecks(NavigableMap<Long, ?> acknowledged) {
        this.acknowledged = acknowledged;
    }

    QueueLedger ledger(SimNode n) {
        return ledgers.get(n.id);
    }

    void onRestored(SimNode n) {
        long upTo = n.machine.lastApplied();
        QueueLedger ledger = new QueueLedger(n.id);
        history.headMap(upTo, true).forEach((index, a) -> ledger.apply(index, a.envelope(), a.command(), a.result()));
        ledgers.put(n.id, ledger);
        compare(n, true);
    }

    /** Checks {@code n}'s apply of {@code e}; returns the queue command it holds (decoded once per index), or null for a no-op or configuration. */
    QueueCommand onApplied(SimNode n, Entry e, ApplyResult result) {
        if (e.isNoop() || e.isConfig()) {
            return null;
        }
        Applied first = history.get(e.index());
        if (first == null) {
            Envelope envelope = Envelope.decode(e.data());
            first = new Applied(envelope, QueueCommand.decode(envelope.command()), result);
            history.put(e.index(), first);
        } else if (!QueueLedger.sameAnswer(first.result(), result)) {
            throw new AssertionError("replicas disagree at index " + e.index() + ": " + n.id + " answered " + result.body()
                    + ", another node " + first.result().body());
        }
        ledgers.get(n.id).apply(e.index(), first.envelope(), first.command(), result);
        applies++;
        compare(n, applies % FULL_COMPARE_EVERY == 0, applies % INVARIANTS_EVERY == 0);
        return first.command();
    }

    /** The real state against the ledger; {@code everything} compares each message, not just counts. */
    void compare(SimNode n, boolean everything) {
        compare(n, everything, true);
    }

    /**
     * As {@link #compare(SimNode, boolean)}; {@code invariants} walks the whole state for
     * {@link QueueInvariants} (the costliest check: done after every apply it took a third of the
     * simulation's time, so after every {@value #INVARIANTS_EVERY}th, at restores and with {@code everything}).
     */
    private void compare(SimNode n, boolean everything, boolean invariants) {
        QueueStateMachine sm = queue(n);
        QueueLedger ledger = ledgers.get(n.id);
        if (invariants || everything) {
            QueueInvariants.check(sm);
        }
        String where = "queue on " + n.id + " at index " + n.machine.lastApplied() + ": ";
        if (sm.messageCount() != ledger.live.size()) {
            throw new AssertionError(where + sm.messageCount() + " messages, but " + ledger.live.size()
                    + " were enqueued and not acked: a message was lost or invented");
        }
        if (sm.clockMs() != ledger.clockMs) {
            throw new AssertionError(where + "clock " + sm.clockMs() + ", expected " + ledger.clockMs);
        }
        int leases = 0;
        for (long id : sm.expiredLeases(Long.MAX_VALUE, Integer.MAX_VALUE)) {
            leases++;
            if (!ledger.inFlight.contains(id)) {
                throw new AssertionError(where + "message " + id + " is leased, but no live delivery of it was answered");
            }
        }
        if (leases != ledger.inFlight.size()) {
            throw new AssertionError(where + leases + " live deliveries, expected " + ledger.inFlight.size());
        }
        if (everything) {
            compareMessages(where, sm, ledger, acknowledged.headMap(n.machine.lastApplied(), true).keySet());
        }
    }

    /** Every unacknowledged message, as the state machine's own snapshot image lists it. */
    private static void compareMessages(String where, QueueStateMachine sm, QueueLedger ledger, Set<Long> acknowledgedIds) {
        JsonNode image;
        try {
            image = JSON.readTree(sm.snapshot());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<Long> held = new HashSet<>();
        for (JsonNode m : image.path("messages")) {
            held.add(m.path("id").asLong());
            QueueLedger.Msg expected = ledger.live.get(m.path("id").asLong());
            if (expected == null || !expected.queue.equals(m.path("queue").asText()) || !expected.key.equals(m.path("key").asText())
                    || !expected.value.equals(m.get("value")) || expected.deliveries != m.path("deliveries").asInt()
                    || expected.inFlight != m.path("inFlight").asBoolean()) {
                throw new AssertionError(where + "holds " + m + ", which differs from what was enqueued and delivered: "
                        + (expected == null ? "nothing (acked or never enqueued)"
                        : expected.queue + " " + expected.key + "=" + expected.value + " deliveries " + expected.deliveries));
            }
        }
        for (long id : acknowledgedIds) {
            if (!held.contains(id) && !ledger.acked.containsKey(id)) {
                throw new AssertionError(where + "acknowledged enqueue " + id + " disappeared: not in the queue, and no ack of it applied");
            }
        }
    }

    static QueueStateMachine queue(SimNode n) {
        return (QueueStateMachine) n.machine.service();
    }
}
