package dev.dsync.sim;

import dev.dsync.node.ReadyPipeline;
import dev.dsync.raft.Entry;
import dev.dsync.raft.Membership;
import dev.dsync.raft.Message;
import dev.dsync.raft.ReadState;
import dev.dsync.raft.Ready;
import dev.dsync.raft.Snapshot;
import dev.dsync.statemachine.ApplyResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Supplier;

/**
 * A simulated node's side of {@link ReadyPipeline}, for one lifetime: the simulated network,
 * snapshots written beside the pipeline a little later (as the node's snapshot writer does), a crash
 * that may strike at each of the pipeline's crash points, and the simulation's checks at the points
 * the pipeline offers. The order itself is the pipeline's, the node's own: nothing here decides what
 * happens when. (The disk is the pipeline's own log store, over the node's {@link SimVolume}.)
 */
final class SimShell implements ReadyPipeline.Shell {
    private final Simulation sim;
    private final SimNode node;
    private final int crashPermille;
    private boolean snapshotInFlight;

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
    public boolean canSnapshot() {
        return !snapshotInFlight;
    }

    /**
     * Captured now; encoded and its file written a few milliseconds later, and handed back to the
     * pipeline later still, as the node's snapshot writer does beside its loop: applies go on
     * meanwhile, and a crash in between leaves a snapshot file that the WAL does not know of.
     */
    @Override
    public void startSnapshot(long index) {
        Supplier<byte[]> encoder = node.machine.captureSnapshot();
        long term = node.core.termAt(index);
        Membership membership = node.core.membershipAt(index);
        snapshotInFlight = true;
        sim.onLoop(node, 1 + sim.random.nextInt(30), () -> {
            Snapshot written = new Snapshot(index, term, membership, encoder.get());
            boolean stored;
            try {
                stored = node.store.writeSnapshotFile(written);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            sim.onLoop(node, sim.random.nextInt(5), () -> {
                snapshotInFlight = false;
                Snapshot compacted = stored ? node.pipeline.snapshotWritten(written) : null;
                if (compacted != null) {
                    sim.convergence.onCompaction(node, compacted.index(), compacted.data());
                    sim.trace.add(node.id + " compacted " + compacted.index());
                }
            });
        });
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
