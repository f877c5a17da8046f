package dev.dsync.sim;

import dev.dsync.node.CommandClock;
import dev.dsync.node.LeaderDuties;
import dev.dsync.node.MembershipTracker;
import dev.dsync.node.NodeClock;
import dev.dsync.node.NodeMetrics;
import dev.dsync.node.PendingRequests;
import dev.dsync.node.ReadyPipeline;
import dev.dsync.raft.DurabilityPolicy;
import dev.dsync.raft.PersistentState;
import dev.dsync.raft.RaftConfig;
import dev.dsync.raft.RaftCore;
import dev.dsync.raft.Snapshot;
import dev.dsync.statemachine.SessionStateMachine;
import dev.dsync.statemachine.StateMachine;
import dev.dsync.storage.RaftLogStore;
import dev.dsync.storage.StoreOptions;
import dev.dsync.transport.MemberDirectory;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One simulated server: a disk that survives crashes ({@link SimVolume}, written by the node's own
 * {@link RaftLogStore}), and, while up, a {@link RaftCore} and the real replicated state machine
 * (client sessions around the simulated service), both rebuilt from the disk on restart exactly as
 * the node shell does.
 */
final class SimNode {
    final String id;
    final SimVolume volume;
    /** The log store of its current lifetime; after a crash, the last one, whose index says what it had made durable. */
    RaftLogStore store;
    /** This node's clock runs this far ahead of (or behind) simulated time. */
    final long clockOffsetMs;
    RaftCore core;
    /** What the shell writes and when, as on a real node; rebuilt from the disk on each start. */
    DurabilityPolicy durability;
    SessionStateMachine machine;
    /** The requests its {@link SimReplica} callers wait on, kept as the node's Raft loop keeps them. */
    PendingRequests requests;
    /** What it recovered from its disk at its last start. */
    PersistentState restored;
    /** Whether its last crash came in an fsync, with a write of the store's half done (then that write may be half kept). */
    boolean cutDuringWrite;
    /** Bumped on every start, so checks can tell one lifetime from the next. */
    int incarnation;
    /** Its metrics registry for this lifetime ({@code GET /metrics}): the node's Raft metrics and its service's. */
    PrometheusRegistry registry;
    /** The node's Raft metrics, for this lifetime. */
    NodeMetrics metrics;
    /** Its {@link dev.dsync.node.Replica}, for this lifetime: what clients and the service code call. */
    SimReplica replica;
    /** How it carries out its core's Readys, for this lifetime: the node's own pipeline over {@link SimShell}. */
    ReadyPipeline pipeline;
    /** Its address book for this lifetime: where the peer transport would send each member's messages. */
    MemberDirectory directory;
    /** What it keeps of the configuration, for this lifetime: whether it was removed (then it refuses service requests). */
    MembershipTracker tracker;
    /** Its request entry for this lifetime, in place of its HTTP router: what clients and other nodes call. */
    SimEndpoints endpoints;
    /** When it proposes its service's duties while it leads: the node's own schedule. */
    LeaderDuties duties;
    /** The time it stamps on what it proposes, for this lifetime, over the service's clock for it. */
    CommandClock stamps;

    SimNode(String id, long clockOffsetMs, SimVolume volume) {
        this.id = id;
        this.clockOffsetMs = clockOffsetMs;
        this.volume = volume;
    }

    boolean up() {
        return core != null;
    }

    /**
     * Opens the store on its disk and rebuilds the node from what it recovered, as {@code NodeServer}
     * does. A disk the store cannot recover from fails the run: the simulation's disks lose only what
     * a real one may.
     */
    void start(RaftConfig config, long segmentBytes, IntUnaryOperator random, Supplier<StateMachine> service, LongSupplier readIds,
               Consumer<Runnable> loop) {
        registry = new PrometheusRegistry();
        metrics = new NodeMetrics(registry, () -> pipeline.status(), () -> tracker.view());
        RaftLogStore before = store;
        try {
            store = RaftLogStore.open(volume, Path.of("/" + id), new StoreOptions(segmentBytes, metrics::fsync));
        } catch (IOException e) {
            throw new UncheckedIOException(id + " cannot recover its log from its disk", e);
        }
        if (before != null && !cutDuringWrite) {
            checkNothingDurableLost(before, store);
        }
        cutDuringWrite = false;
        restored = store.recovered();
        machine = new SessionStateMachine(service.get());
        Snapshot snapshot = restored.snapshot();
        if (snapshot != null) {
            machine.restore(snapshot.data());
        }
        core = new RaftCore(config, random, restored);
        durability = new DurabilityPolicy(restored.hardState());
        requests = new PendingRequests(readIds, loop);
        duties = new LeaderDuties();
        incarnation++;
    }

    /**
     * Durability: a node that crashed with no write of its store under way recovers exactly what
     * that store had made durable: its last hard state, and every entry it held (or a snapshot
     * that covers it). A store that acknowledged a save before its fsync, or never made a new
     * segment's name durable, fails here at the first crash that loses the difference.
     */
    private void checkNothingDurableLost(RaftLogStore before, RaftLogStore after) {
        if (!before.hardState().equals(after.hardState())) {
            throw new AssertionError(id + " restarted with hard state " + after.hardState() + " but had made "
                    + before.hardState() + " durable before it crashed");
        }
        for (long i = before.snapshotIndex() + 1; i <= before.lastIndex(); i++) {
            if (!after.holds(i, before.termAt(i))) {
                throw new AssertionError(id + " lost entry " + i + "/" + before.termAt(i) + " in a crash: its store had made entries "
                        + (before.snapshotIndex() + 1) + ".." + before.lastIndex() + " durable; it recovered "
                        + (after.snapshotIndex() + 1) + ".." + after.lastIndex());
            }
        }
        if (after.lastIndex() != before.lastIndex() || after.snapshotIndex() < before.snapshotIndex()) {
            throw new AssertionError(id + " recovered log " + after.snapshotIndex() + "+.." + after.lastIndex() + " but had "
                    + before.snapshotIndex() + "+.." + before.lastIndex() + " before it crashed");
        }
    }

    /** Everything not on disk is gone, and of the disk what was not synced. */
    void crash() {
        volume.crash();
        registry = null;
        metrics = null;
        core = null;
        durability = null;
        machine = null;
        requests = null;
        duties = null;
        stamps = null;
        replica = null;
        endpoints = null;
        pipeline = null;
        tracker = null;
        directory = null;
        restored = null;
    }

    long clock(long simNowMs) {
        return simNowMs + clockOffsetMs;
    }

    /** This node's offset clock as a {@link NodeClock}, the same for both kinds of time. */
    NodeClock offsetClock(LongSupplier simNowMs) {
        return NodeClock.of(() -> clock(simNowMs.getAsLong()));
    }
}
