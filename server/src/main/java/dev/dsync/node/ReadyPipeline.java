package dev.dsync.node;

import dev.dsync.raft.DurabilityPolicy;
import dev.dsync.raft.Entry;
import dev.dsync.raft.Message;
import dev.dsync.raft.RaftCore;
import dev.dsync.raft.ReadState;
import dev.dsync.raft.Ready;
import dev.dsync.raft.Snapshot;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.statemachine.SessionStateMachine;
import dev.dsync.storage.RaftLogStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * How a node carries out its core's Readys, in the one order both shells use: the node's Raft loop
 * ({@link RaftLoop}) and the simulation. Per Ready: what {@link DurabilityPolicy} lets leave before
 * the fsync is sent; the committed entries the store already holds are applied if nothing else waits
 * for the fsync ({@link #appliedBeforeWrite}); the fsync; the rest sent; a leader's snapshot restored;
 * the other committed entries applied (each waiting request answered), the service told once per
 * applied batch; reads confirmed or dropped; {@code advance}; a snapshot if {@link SnapshotPolicy}
 * says so; the status published.
 * The log store, the membership tracker and the node's metrics are the pipeline's own: the node
 * and the simulation run the same store over different {@link dev.dsync.storage.Volume}s.
 *
 * <p>Invariants: nothing the policy holds back leaves before its fsync; an entry is answered only
 * after it is applied; the service's {@code afterApply} runs before anyone waiting for an applied
 * index is woken. Runs on one thread (the loop's, or the simulation's).
 */
public final class ReadyPipeline {

    /** Where the simulation may crash a node while it carries out a Ready. */
    public enum CrashPoint { BEFORE_SENDING, BEFORE_FSYNC, AFTER_FSYNC }

    /**
     * What the shell binds: the network, snapshot writing beside the pipeline, and (for the
     * simulation) crash points and observers. The observers run at fixed points of the order and
     * must not change it.
     */
    public interface Shell {
        void send(List<Message> messages);

        /** Whether a snapshot may start now (the node writes one at a time). */
        boolean canSnapshot();

        /**
         * Captures the state at {@code index} (the applied index) and writes its file
         * ({@link RaftLogStore#writeSnapshotFile}); once durable, the shell hands it to
         * {@link #snapshotWritten}, from any later point on this thread.
         */
        void startSnapshot(long index);

        /** The simulation crashes the node here when this says so; then nothing more of the Ready happens. */
        default boolean crashesAt(CrashPoint point) {
            return false;
        }

        default void readyTaken(Ready ready) {}

        default void restored(Snapshot snapshot) {}

        default void beforeApply(Entry entry) {}

        /** After the entry is applied, before the request waiting for it is answered. */
        default void applied(Entry entry, ApplyResult result) {}

        default void readConfirmed(ReadState read) {}

        default void readDropped(long id) {}

        /** After the status changed and the service heard of it. */
        default void statusChanged(NodeStatus previous, NodeStatus current) {}
    }

    private final RaftCore core;
    private final DurabilityPolicy durability;
    private final SessionStateMachine machine;
    private final PendingRequests pending;
    private final LeaderDuties duties;
    private final CommandClock clock;
    private final ServiceModule service;
    private final SnapshotPolicy snapshots;
    private final RaftLogStore store;
    private final MembershipTracker tracker;
    private final NodeMetrics metrics;
    private final Shell shell;
    private volatile NodeStatus status;

    public ReadyPipeline(RaftCore core, DurabilityPolicy durability, SessionStateMachine machine, PendingRequests pending,
                         LeaderDuties duties, CommandClock clock, ServiceModule service, SnapshotPolicy snapshots,
                         RaftLogStore store, MembershipTracker tracker, NodeMetrics metrics, Shell shell) {
        this.core = core;
        this.durability = durability;
        this.machine = machine;
        this.pending = pending;
        this.duties = duties;
        this.clock = clock;
        this.service = service;
        this.snapshots = snapshots;
        this.store = store;
        this.tracker = tracker;
        this.metrics = metrics;
        this.shell = shell;
    }

    /** Carries out every pending Ready. Returns early only when the simulation crashed the node. */
    public void drain() {
        while (core.hasReady()) {
            Ready ready = core.ready();
            shell.readyTaken(ready);
            // The configuration in force, before anything of the Ready is sent (a new member's first append may be in it).
            tracker.observe(core.membership());
            DurabilityPolicy.Plan plan = durability.plan(ready);
            if (shell.crashesAt(CrashPoint.BEFORE_SENDING)) {
                return;
            }
            shell.send(plan.early());
            List<Entry> committed = ready.committed();
            int beforeWrite = appliedBeforeWrite(ready, plan);
            applyBatch(committed.subList(0, beforeWrite), false);
            if (shell.crashesAt(CrashPoint.BEFORE_FSYNC)) {
                return;
            }
            if (plan.write()) {
                persist(plan);
                durability.written(plan);
            }
            if (shell.crashesAt(CrashPoint.AFTER_FSYNC)) {
                return;
            }
            shell.send(plan.late());
            if (ready.snapshot() != null) {
                restore(ready.snapshot());
            }
            applyBatch(committed.subList(beforeWrite, committed.size()), ready.snapshot() != null);
            for (ReadState read : ready.readStates()) {
                shell.readConfirmed(read);
                pending.onReadState(read, machine.lastApplied());
            }
            for (long id : ready.droppedReads()) {
                shell.readDropped(id);
                pending.onReadDropped(id, core.leaderId());
            }
            core.advance(ready);
            maybeSnapshot();
            publishStatus();
        }
    }

    /**
     * How many of the Ready's committed entries to apply (and answer) before its write: those the
     * store already holds, when no message waits for the write and no snapshot is installed. A
     * leader's Readys under load are such: the entries its followers acknowledged are applied while
     * the next batch's appends are already on their way, instead of after that batch's fsync. A
     * follower's acknowledgements wait for the write, so it applies after sending them.
     *
     * <p>Safe because a committed entry is never replaced: one the store holds at the same index
     * holds it with the same term (asserted), so this write cannot take it back.
     */
    private int appliedBeforeWrite(Ready ready, DurabilityPolicy.Plan plan) {
        if (!plan.write() || !plan.late().isEmpty() || ready.snapshot() != null) {
            return 0;
        }
        long durable = store.lastIndex();
        int n = 0;
        for (Entry entry : ready.committed()) {
            if (entry.index() > durable) {
                break;
            }
            assert store.holds(entry.index(), entry.term())
                    : "committed entry " + entry.index() + " is stored with another term than " + entry.term();
            n++;
        }
        return n;
    }

    /** Applies {@code entries} in order; then tells the service and wakes whoever waits for the applied index. */
    private void applyBatch(List<Entry> entries, boolean restored) {
        for (Entry entry : entries) {
            apply(entry);
        }
        if (!entries.isEmpty() || restored) {
            service.afterApply(machine.lastApplied());
            pending.wakeApplied(machine.lastApplied());
        }
    }

    /** The plan's snapshot, entries and hard state, each save with one fsync. */
    private void persist(DurabilityPolicy.Plan plan) {
        try {
            if (plan.snapshot() != null) {
                store.saveSnapshot(plan.snapshot());
            }
            if (plan.hardState() != null || !plan.entries().isEmpty()) {
                store.save(plan.hardState(), plan.entries());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist raft state", e);
        }
        if (!plan.entries().isEmpty()) {
            metrics.appendBatch(plan.entries().size());
        }
    }

    private void restore(Snapshot snapshot) {
        if (snapshot.membership() != null) {
            tracker.applied(snapshot.membership(), false);
        }
        machine.restore(snapshot.data());
        pending.onRestored(snapshot.index());
        snapshots.installed(snapshot.index(), snapshot.data().length);
        shell.restored(snapshot);
    }

    private void apply(Entry entry) {
        if (entry.index() <= machine.lastApplied()) {
            return; // already reflected in a restored snapshot
        }
        shell.beforeApply(entry);
        ApplyResult result = machine.apply(entry);
        snapshots.applied(entry.data().length);
        clock.afterApply(entry, machine);
        if (entry.isConfig()) {
            tracker.applied(entry.membership(), true);
            metrics.membershipChanged();
        }
        duties.onApplied(entry.index());
        shell.applied(entry, result);
        pending.onApplied(entry, result, core.leaderId());
    }

    private void maybeSnapshot() {
        long applied = machine.lastApplied();
        if (!snapshots.due(applied) || !shell.canSnapshot()) {
            return;
        }
        snapshots.started(applied);
        shell.startSnapshot(applied);
    }

    /**
     * A snapshot the shell started has its file durable: the log is compacted to it and the WAL
     * records it. Returns what the log now starts from, or null when a leader's newer snapshot came
     * meanwhile (then nothing changes).
     */
    public Snapshot snapshotWritten(Snapshot written) {
        if (written.index() < core.firstIndex()) {
            return null;
        }
        Snapshot compacted = core.compact(written.index(), written.data());
        assert compacted.term() == written.term() && Objects.equals(compacted.membership(), written.membership())
                : "the snapshot written is not the one the log compacted to";
        snapshots.written(written.data().length);
        try {
            store.recordSnapshot(compacted);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record snapshot", e);
        }
        return compacted;
    }

    /** Publishes the core's status to the service when it changed (also once at start). */
    public void publishStatus() {
        NodeStatus previous = status;
        status = NodeStatus.of(core, machine.lastApplied(), previous);
        if (status != previous) {
            if (previous != null && status.leaderId() != null && !status.leaderId().equals(previous.leaderId())) {
                metrics.leaderChanged();
            }
            service.onStatus(status);
            shell.statusChanged(previous, status);
        }
    }

    public NodeStatus status() {
        return status;
    }
}
