package dev.dsync.sim;

import dev.dsync.node.ReadyPipeline;
import dev.dsync.raft.DurabilityPolicy;
import dev.dsync.raft.Entry;
import dev.dsync.raft.Membership;
import dev.dsync.raft.Message;
import dev.dsync.raft.ReadState;
import dev.dsync.raft.Ready;
import dev.dsync.raft.Snapshot;
import dev.dsync.statemachine.ApplyResult;
import java.util.List;

/**
 * A simulated node's side of {@link ReadyPipeline}, for one lifetime: the simulated network and
 * disk, snapshots written at once, a crash that may strike at each of the pipeline's crash points,
 * the node's own membership tracker, and the simulation's checks at the points the pipeline offers. The order itself is the
 * pipeline's, the node's own: nothing here decides what happens when.
 */
final class SimShell implements ReadyPipeline.Shell {
    private final Simulation sim;
    private final SimNode node;
    private final int crashPermille;

    SimShell(Simulation sim, SimNode node, int crashPermille) {
        this.sim = sim;
        this.node = node;
        this.crashPermille = crashPermille;
    }

    @Override
    public boolean crashesAt(ReadyPipeline.CrashPoint point) {
        if (!sim.faultPhase || sim.random.nextInt(1000) >= crashPermille) {
            return false;
        }
        sim.crash(node, switch (point) {
            case BEFORE_SENDING -> "before sending or syncing anything";
            case BEFORE_FSYNC -> "after its early sends, before its fsync";
            case AFTER_FSYNC -> "after its fsync, before sending";
        });
        return true;
    }

    @Override
    public void readyTaken(Ready ready) {
        sim.checker.onEntriesToPersist(node, ready.entries());
    }

    @Override
    public void send(List<Message> messages) {
        sim.send(messages);
    }

    @Override
    public void persist(DurabilityPolicy.Plan plan) {
        node.disk.persist(plan);
    }

    @Override
    public boolean canSnapshot() {
        return true;
    }

    /** Encoded and durable at once (the node writes it beside its loop; the log is compacted either way only once it is). */
    @Override
    public void startSnapshot(long index) {
        Snapshot written = new Snapshot(index, node.core.termAt(index), node.core.membershipAt(index), node.machine.snapshot());
        Snapshot compacted = node.pipeline.snapshotWritten(written);
        if (compacted != null) {
            node.disk.saveCompaction(compacted);
            sim.convergence.onCompaction(node, compacted.index(), compacted.data());
            sim.trace.add(node.id + " compacted " + compacted.index());
        }
    }

    @Override
    public void membershipObserved(Membership current) {
        node.tracker.observe(current);
    }

    @Override
    public void configurationApplied(Membership membership, boolean fromLog) {
        node.tracker.applied(membership, fromLog);
    }

    @Override
    public void restored(Snapshot snapshot) {
        sim.checker.onSnapshotRestore(node, snapshot.index());
        sim.convergence.afterRestore(node);
        sim.service.onRestored(node, false);
        sim.trace.add(node.id + " restored " + snapshot.index());
        sim.log(node.id + " installs snapshot " + snapshot.index() + "/" + snapshot.term());
    }

    @Override
    public void beforeApply(Entry entry) {
        sim.checker.onApply(node, entry);
    }

    @Override
    public void applied(Entry entry, ApplyResult result) {
        sim.convergence.afterApply(node, entry.index());
        sim.workload.onApplied(node, entry, result);
        sim.trace.add(entry.index());
        sim.trace.add(entry.term());
        sim.trace.add(entry.data());
    }

    @Override
    public void readConfirmed(ReadState read) {
        sim.checker.onReadState(node, read);
        sim.service.onReadState(node, read);
    }

    @Override
    public void readDropped(long id) {
        sim.checker.onReadDropped(id);
        sim.service.onReadDropped(node, id);
    }
}
