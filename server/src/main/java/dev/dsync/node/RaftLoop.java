package dev.dsync.node;

import dev.dsync.raft.DurabilityPolicy;
import dev.dsync.raft.Membership;
import dev.dsync.raft.Message;
import dev.dsync.raft.RaftCore;
import dev.dsync.raft.Ready;
import dev.dsync.raft.Role;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.statemachine.Envelope;
import dev.dsync.statemachine.SessionStateMachine;
import dev.dsync.statemachine.StateDigest;
import dev.dsync.statemachine.StateMachine;
import dev.dsync.storage.RaftLogStore;
import dev.dsync.transport.MemberDirectory;
import dev.dsync.transport.PeerTransport;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The thin shell around the pure Raft core: one thread owns the core, the log store and the state
 * machine, and carries out each {@link Ready} through {@link ReadyPipeline} (the order the
 * simulation runs too), binding it to the peer transport, the log store and the snapshot writer.
 * Everything else talks to it through its inbox. Requests that arrive while a
 * batch is being persisted pile up in the inbox and share the next fsync (group commit).
 */
public final class RaftLoop implements Replica, MembershipControl, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RaftLoop.class.getName());

    private final RaftCore core;
    private final RaftLogStore store;
    private final SessionStateMachine machine;
    private final ServiceModule service;
    private final PeerTransport transport;
    private final NodeMetrics metrics;
    private final long tickNanos;
    private final Inbox inbox = new Inbox(System::nanoTime);
    private final Thread thread;

    private final CommandClock clock;

    // Loop-thread state.
    private final PendingRequests pending;
    private long nextReadId = 1;
    private final MembershipTracker tracker;
    private final MembershipOps membershipOps;
    private final SnapshotWriter snapshots;
    private final LeaderDuties duties = new LeaderDuties();
    /** Carries out the core's Readys, and publishes the node's status. */
    private final ReadyPipeline pipeline;
    private volatile boolean running = true;

    /**
     * @param directory where peers are reached: this loop publishes the configuration's addresses
     * @param bootstrap the configuration the core was started with (this node was a member once if it names it)
     */
    public RaftLoop(RaftCore core, RaftLogStore store, SessionStateMachine machine, ServiceModule service,
                    PeerTransport transport, MemberDirectory directory, Membership bootstrap, NodeMetrics metrics,
                    int tickMs, int snapshotEvery, CommandClock clock) {
        this.core = core;
        this.clock = clock;
        this.pending = new PendingRequests(() -> nextReadId++, inbox::add);
        this.store = store;
        this.machine = machine;
        this.service = service;
        this.transport = transport;
        this.metrics = metrics;
        this.tickNanos = TimeUnit.MILLISECONDS.toNanos(tickMs);
        SnapshotPolicy snapshotPolicy = SnapshotPolicy.atStart(snapshotEvery, SnapshotPolicy.NODE_LOG_PERCENT, machine.lastApplied(),
                store.recovered());
        DurabilityPolicy durability = new DurabilityPolicy(store.recovered().hardState());
        this.tracker = new MembershipTracker(core.id(), core.membership(), MembershipTracker.recorded(store.recovered(), bootstrap), directory,
                transport::closeStaleLinks);
        this.membershipOps = new MembershipOps(core, pending);
        this.snapshots = new SnapshotWriter(store, inbox::add);
        this.pipeline = new ReadyPipeline(core, durability, machine, pending, duties, clock, service, snapshotPolicy,
                store, tracker, metrics, new LoopShell());
        pipeline.publishStatus();
        this.thread = Thread.ofPlatform().name("raft-loop").unstarted(this::run);
    }

    public void start() {
        thread.start();
    }

    public NodeStatus status() {
        return pipeline.status();
    }

    /** Delivers a message from a peer. */
    public void deliver(Message m) {
        inbox.add(() -> core.step(m));
    }

    // ---- MembershipControl ---------------------------------------------------------------------

    @Override
    public CompletableFuture<Long> addLearner(String id, String url) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        inbox.add(() -> membershipOps.addLearner(id, url, done));
        return done;
    }

    @Override
    public CompletableFuture<Long> removeMember(String id) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        inbox.add(() -> membershipOps.removeMember(id, done));
        return done;
    }

    @Override
    public CompletableFuture<MemberList> members() {
        CompletableFuture<MemberList> list = new CompletableFuture<>();
        inbox.add(() -> list.complete(membershipOps.members()));
        return list;
    }

    @Override
    public MembershipView view() {
        return tracker.view();
    }

    // ---- Replica ---------------------------------------------------------------------------

    @Override
    public CompletableFuture<ApplyResult> submit(String clientId, String requestId, byte[] command) {
        CompletableFuture<ApplyResult> result = new CompletableFuture<>();
        inbox.add(() -> pending.propose(core, new Envelope(clock.wallMs(), clientId, requestId, command).encode(), result));
        return result;
    }

    @Override
    public CompletableFuture<Void> linearizableRead() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        inbox.add(() -> pending.read(core, done));
        return done;
    }

    @Override
    public <T> CompletableFuture<Observed<T>> query(Function<StateMachine, T> reader) {
        CompletableFuture<Observed<T>> result = new CompletableFuture<>();
        inbox.add(() -> {
            try {
                result.complete(new Observed<>(reader.apply(machine.service()), machine.lastApplied()));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /**
     * The digest of the replicated state (sessions and service) at the applied index, computed on
     * this loop so the two belong together. Costs a full snapshot encoding: on demand only.
     */
    public CompletableFuture<StateDigest> digest() {
        CompletableFuture<StateDigest> result = new CompletableFuture<>();
        inbox.add(() -> {
            try {
                result.complete(StateDigest.of(machine));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    @Override
    public CompletableFuture<Void> awaitApplied(long index) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        inbox.add(() -> pending.awaitApplied(index, machine.lastApplied(), done));
        return done;
    }

    @Override
    public void shareCommitWith(String nodeId) {
        inbox.add(() -> core.shareCommitWith(nodeId));
    }

    @Override
    public boolean isLeader() {
        return pipeline.status().role() == Role.LEADER;
    }

    @Override
    public String leaderId() {
        return pipeline.status().leaderId();
    }

    /** Hands leadership to another member, if this node leads, and waits up to {@code waitMs}. */
    public void transferLeadershipAway(long waitMs) throws InterruptedException {
        CompletableFuture<String> target = new CompletableFuture<>();
        inbox.add(() -> {
            if (core.role() != Role.LEADER) {
                target.complete(null);
                return;
            }
            String to = core.transferTarget();
            if (to != null) {
                core.transferLeadership(to);
            }
            target.complete(to);
        });
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        try {
            if (target.get(waitMs, TimeUnit.MILLISECONDS) == null) {
                return;
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return;
        }
        while (isLeader() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    // ---- the loop ----------------------------------------------------------------------------

    /**
     * Sleeps until the next event or the next tick that can do anything ({@link RaftCore#ticksUntilDue}):
     * an idle follower wakes only for its leader's heartbeats, a leader only to send them. Events and
     * the ticks that elapsed are delivered in the order they happened ({@link Inbox#runDue}), all
     * before one Ready. A leader wakes at least every {@link LeaderDuties#INTERVAL_MS}.
     */
    private void run() {
        // Twice the base election timeout: past the longest randomized one, and a leader's quorum check.
        TickSchedule ticks = new TickSchedule(tickNanos, 2 * core.electionTicks(), System.nanoTime());
        long dutyNanos = TimeUnit.MILLISECONDS.toNanos(LeaderDuties.INTERVAL_MS);
        while (running) {
            try {
                long sleepNanos = ticks.nanosUntil(core.ticksUntilDue(), System.nanoTime());
                if (core.role() == Role.LEADER) {
                    sleepNanos = Math.min(sleepNanos, dutyNanos);
                }
                inbox.runDue(inbox.poll(sleepNanos), ticks, core::tick);
                duties.run(core, service, machine.lastApplied(), clock);
                processReadies();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | Error e) {
                // A bug, a disk failure or a broken JVM (a class that no longer loads): carrying on could
                // break durability guarantees, and a dead loop would leave a node that answers /health
                // while deciding nothing. Stop, so that the supervisor sees the node down.
                LOG.log(System.Logger.Level.ERROR, "raft loop failed; stopping the node", e);
                Runtime.getRuntime().halt(70);
            }
        }
    }

    private void processReadies() {
        pipeline.drain();
    }

    /** The node's side of {@link ReadyPipeline}: the peer transport, the log store, the snapshot writer, membership and metrics. */
    private final class LoopShell implements ReadyPipeline.Shell {
        @Override
        public void send(List<Message> messages) {
            messages.forEach(transport::send);
        }

        @Override
        public boolean canSnapshot() {
            return !snapshots.inFlight();
        }

        /** Captured on the loop (a copy), encoded and written beside it ({@link SnapshotWriter}). */
        @Override
        public void startSnapshot(long index) {
            long started = System.nanoTime();
            Supplier<byte[]> encoder = machine.captureSnapshot();
            snapshots.start(index, core.termAt(index), core.membershipAt(index), encoder, System.nanoTime() - started,
                    pipeline::snapshotWritten);
        }

        @Override
        public void statusChanged(NodeStatus previous, NodeStatus current) {
            if (previous != null && (previous.role() != current.role() || previous.term() != current.term())) {
                // One line per role or term change: what a log reader needs to tell an election happened, and when.
                LOG.log(System.Logger.Level.INFO, "{0} in term {1} (leader {2}); was {3} in term {4}", current.role(), current.term(),
                        current.leaderId() == null ? "unknown" : current.leaderId(), previous.role(), previous.term());
            }
        }
    }

    @Override
    /**
     * Stops the loop after its current iteration (at most a tick's wait plus one Ready). It is not
     * interrupted unless it overruns: an interrupt inside a write closes the log's file channel
     * (ClosedByInterruptException), which the loop rightly treats as a disk failure and halts on.
     */
    public void close() throws InterruptedException {
        running = false;
        thread.join(2000);
        if (thread.isAlive()) {
            thread.interrupt();
            thread.join(2000);
        }
        snapshots.close();
    }
}
