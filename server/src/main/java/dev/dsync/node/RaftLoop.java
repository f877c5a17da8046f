package dev.dsync.node;

import dev.dsync.raft.Entry;
import dev.dsync.raft.DurabilityPolicy;
import dev.dsync.raft.Membership;
import dev.dsync.raft.Message;
import dev.dsync.raft.RaftCore;
import dev.dsync.raft.ReadState;
import dev.dsync.raft.Ready;
import dev.dsync.raft.Role;
import dev.dsync.raft.Snapshot;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.statemachine.Envelope;
import dev.dsync.statemachine.SessionStateMachine;
import dev.dsync.statemachine.StateDigest;
import dev.dsync.statemachine.StateMachine;
import dev.dsync.storage.RaftLogStore;
import dev.dsync.transport.MemberDirectory;
import dev.dsync.transport.PeerTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The thin shell around the pure Raft core: one thread owns the core, the log store and the state
 * machine, and carries out each {@link Ready} in the order its contract demands (persist, send,
 * apply, advance). Everything else talks to it through its inbox. Requests that arrive while a
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
    private final DurabilityPolicy durability;
    private final MembershipTracker tracker;
    private final MembershipOps membershipOps;
    private final SnapshotPolicy snapshotPolicy;
    private final LeaderDuties duties = new LeaderDuties();
    private final SnapshotWriter snapshots;
    private volatile boolean running = true;
    private volatile NodeStatus status;

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
        Snapshot recovered = store.recovered().snapshot();
        long recoveredLogBytes = 0;
        for (Entry e : store.recovered().entries()) {
            recoveredLogBytes += e.data().length + SnapshotPolicy.ENTRY_OVERHEAD_BYTES;
        }
        this.snapshotPolicy = new SnapshotPolicy(snapshotEvery, machine.lastApplied(),
                recovered == null ? 0 : recovered.data().length, recoveredLogBytes);
        this.durability = new DurabilityPolicy(store.recovered().hardState());
        this.tracker = new MembershipTracker(core.id(), core.membership(), recordedConfigurations(bootstrap), directory,
                transport::closeStaleLinks);
        this.membershipOps = new MembershipOps(core, pending);
        this.snapshots = new SnapshotWriter(store, inbox::add);
        publishStatus();
        this.thread = Thread.ofPlatform().name("raft-loop").unstarted(this::run);
    }

    public void start() {
        thread.start();
    }

    public NodeStatus status() {
        return status;
    }

    /** Every configuration this node's store still records, and the bootstrap one (see {@link MembershipTracker}). */
    private List<Membership> recordedConfigurations(Membership bootstrap) {
        List<Membership> recorded = new ArrayList<>(List.of(bootstrap));
        Snapshot snapshot = store.recovered().snapshot();
        if (snapshot != null && snapshot.membership() != null) {
            recorded.add(snapshot.membership());
        }
        for (Entry e : store.recovered().entries()) {
            if (e.isConfig()) {
                recorded.add(e.membership());
            }
        }
        return recorded;
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
    public boolean isLeader() {
        return status.role() == Role.LEADER;
    }

    @Override
    public String leaderId() {
        return status.leaderId();
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
        while (core.hasReady()) {
            Ready ready = core.ready();
            // Before anything is sent: a new member's first append leaves in this very Ready.
            tracker.observe(core.membership());
            DurabilityPolicy.Plan plan = durability.plan(ready);
            plan.early().forEach(transport::send);
            persist(plan);
            plan.late().forEach(transport::send);
            if (ready.snapshot() != null) {
                restore(ready.snapshot());
            }
            for (Entry entry : ready.committed()) {
                apply(entry);
            }
            if (!ready.committed().isEmpty() || ready.snapshot() != null) {
                service.afterApply(machine.lastApplied());
                pending.wakeApplied(machine.lastApplied());
            }
            for (ReadState read : ready.readStates()) {
                pending.onReadState(read, machine.lastApplied());
            }
            for (long id : ready.droppedReads()) {
                pending.onReadDropped(id, core.leaderId());
            }
            core.advance(ready);
            maybeSnapshot();
            publishStatus();
        }
    }

    /** One fsync for the plan's snapshot, entries and hard state (see {@link DurabilityPolicy}). */
    private void persist(DurabilityPolicy.Plan plan) {
        if (!plan.write()) {
            return;
        }
        try {
            if (plan.snapshot() != null) {
                store.saveSnapshot(plan.snapshot());
            }
            if (plan.hardState() != null || !plan.entries().isEmpty()) {
                store.save(plan.hardState(), plan.entries());
            }
            if (!plan.entries().isEmpty()) {
                metrics.appendBatch(plan.entries().size());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist raft state", e);
        }
        durability.written(plan);
    }

    private void restore(Snapshot snapshot) {
        if (snapshot.membership() != null) {
            tracker.applied(snapshot.membership(), false);
        }
        machine.restore(snapshot.data());
        pending.onRestored(snapshot.index());
        snapshotPolicy.installed(snapshot.index(), snapshot.data().length);
    }

    private void apply(Entry entry) {
        if (entry.index() <= machine.lastApplied()) {
            return; // already reflected in a restored snapshot
        }
        ApplyResult result = machine.apply(entry);
        snapshotPolicy.applied(entry.data().length);
        clock.afterApply(entry, machine);
        if (entry.isConfig()) {
            tracker.applied(entry.membership(), true);
            metrics.membershipChanged();
        }
        duties.onApplied(entry.index());
        pending.onApplied(entry, result, core.leaderId());
    }

    /** A snapshot when {@link SnapshotPolicy} says so, written beside the loop ({@link SnapshotWriter}). */
    private void maybeSnapshot() {
        long applied = machine.lastApplied();
        if (snapshots.inFlight() || !snapshotPolicy.due(applied)) {
            return;
        }
        snapshotPolicy.started(applied);
        long started = System.nanoTime();
        Supplier<byte[]> encoder = machine.captureSnapshot();
        snapshots.start(applied, core.termAt(applied), core.membershipAt(applied), encoder, System.nanoTime() - started,
                this::snapshotWritten);
    }

    /** Its file is durable: compact the log to it and record it in the WAL (unless a leader's newer one came meanwhile). */
    private void snapshotWritten(Snapshot snapshot) {
        if (snapshot.index() < core.firstIndex()) {
            return;
        }
        Snapshot compacted = core.compact(snapshot.index(), snapshot.data());
        assert compacted.term() == snapshot.term() && java.util.Objects.equals(compacted.membership(), snapshot.membership())
                : "the snapshot written is not the one the log compacted to";
        try {
            store.recordSnapshot(snapshot);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record snapshot", e);
        }
        snapshotPolicy.written(snapshot.data().length);
    }

    private void publishStatus() {
        NodeStatus previous = status;
        status = NodeStatus.of(core, machine.lastApplied(), previous);
        if (status != previous) {
            service.onStatus(status);
        }
        if (previous != null && status.leaderId() != null && !status.leaderId().equals(previous.leaderId())) {
            metrics.leaderChanged();
        }
        if (previous != null && (previous.role() != status.role() || previous.term() != status.term())) {
            // One line per role or term change: what a log reader needs to tell an election happened, and when.
            LOG.log(System.Logger.Level.INFO, "{0} in term {1} (leader {2}); was {3} in term {4}", status.role(), status.term(),
                    status.leaderId() == null ? "unknown" : status.leaderId(), previous.role(), previous.term());
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
