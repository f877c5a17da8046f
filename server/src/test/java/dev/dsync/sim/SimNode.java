package dev.dsync.sim;

import dev.dsync.node.CommandClock;
import dev.dsync.node.LeaderDuties;
import dev.dsync.node.MembershipTracker;
import dev.dsync.node.NodeClock;
import dev.dsync.node.PendingRequests;
import dev.dsync.node.ReadyPipeline;
import dev.dsync.raft.DurabilityPolicy;
import dev.dsync.raft.PersistentState;
import dev.dsync.raft.RaftConfig;
import dev.dsync.raft.RaftCore;
import dev.dsync.raft.Snapshot;
import dev.dsync.statemachine.SessionStateMachine;
import dev.dsync.statemachine.StateMachine;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One simulated server: a disk that survives crashes, and, while up, a {@link RaftCore} and the
 * real replicated state machine (client sessions around the simulated service), both rebuilt from the
 * disk on restart exactly as the node shell does.
 */
final class SimNode {
    final String id;
    final SimDisk disk = new SimDisk();
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
    /** Bumped on every start, so checks can tell one lifetime from the next. */
    int incarnation;
    /** Its {@link dev.dsync.node.Replica}, for this lifetime: what clients and the service code call. */
    SimReplica replica;
    /** How it carries out its core's Readys, for this lifetime: the node's own pipeline over {@link SimShell}. */
    ReadyPipeline pipeline;
    /** What it keeps of the configuration, for this lifetime: whether it was removed (then it refuses service requests). */
    MembershipTracker tracker;
    /** Its request entry for this lifetime, in place of its HTTP router: what clients and other nodes call. */
    SimEndpoints endpoints;
    /** When it proposes its service's duties while it leads: the node's own schedule. */
    LeaderDuties duties;
    /** The time it stamps on what it proposes, for this lifetime, over the service's clock for it. */
    CommandClock stamps;

    SimNode(String id, long clockOffsetMs) {
        this.id = id;
        this.clockOffsetMs = clockOffsetMs;
    }

    boolean up() {
        return core != null;
    }

    void start(RaftConfig config, IntUnaryOperator random, Supplier<StateMachine> service, LongSupplier readIds,
               Consumer<Runnable> loop) {
        restored = disk.load();
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

    /** Everything not on disk is gone. */
    void crash() {
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
        restored = null;
    }

    long clock(long simNowMs) {
        return simNowMs + clockOffsetMs;
    }

    /** This node's offset clock as a {@link NodeClock}, the same for both kinds of time. */
    NodeClock offsetClock(LongSupplier simNowMs) {
        return new NodeClock() {
            @Override
            public long monotonicMs() {
                return clock(simNowMs.getAsLong());
            }

            @Override
            public long wallMs() {
                return clock(simNowMs.getAsLong());
            }
        };
    }
}
