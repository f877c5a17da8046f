package dev.dsync.sim;

import dev.dsync.node.MembershipControl;
import dev.dsync.node.MembershipOps;
import dev.dsync.node.MembershipView;
import dev.dsync.node.Replica;
import dev.dsync.raft.Role;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.statemachine.Envelope;
import dev.dsync.statemachine.StateMachine;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A simulated node's {@link Replica} and {@link MembershipControl}, for the service and membership code the simulation runs: each call becomes
 * a task on the node's loop ({@link Simulation#onLoop}), as the node's Raft loop takes its inbox,
 * and the waiting is the node's own {@link dev.dsync.node.PendingRequests}. Bound to one lifetime
 * of the node: after a crash its calls are never answered (their callers time out).
 */
final class SimReplica implements Replica, MembershipControl {
    private final Simulation sim;
    private final SimNode node;
    private final int incarnation;
    /** The node's own membership operations on its loop, for this lifetime. */
    private final MembershipOps membershipOps;

    SimReplica(Simulation sim, SimNode node) {
        this.sim = sim;
        this.node = node;
        this.incarnation = node.incarnation;
        this.membershipOps = new MembershipOps(node.core, node.requests);
    }

    @Override
    public CompletableFuture<Long> addLearner(String id, String url) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        onLoop(() -> membershipOps.addLearner(id, url, done));
        return done;
    }

    @Override
    public CompletableFuture<Long> removeMember(String id) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        onLoop(() -> membershipOps.removeMember(id, done));
        return done;
    }

    @Override
    public CompletableFuture<MemberList> members() {
        CompletableFuture<MemberList> list = new CompletableFuture<>();
        onLoop(() -> list.complete(membershipOps.members()));
        return list;
    }

    @Override
    public MembershipView view() {
        return node.tracker.view();
    }

    @Override
    public CompletableFuture<ApplyResult> submit(String clientId, String requestId, byte[] command) {
        CompletableFuture<ApplyResult> result = new CompletableFuture<>();
        onLoop(() -> node.requests.propose(node.core, new Envelope(node.stamps.wallMs(), clientId, requestId, command).encode(), result));
        return result;
    }

    @Override
    public CompletableFuture<Void> linearizableRead() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        onLoop(() -> node.requests.read(node.core, done));
        return done;
    }

    @Override
    public <T> CompletableFuture<Observed<T>> query(Function<StateMachine, T> reader) {
        CompletableFuture<Observed<T>> result = new CompletableFuture<>();
        onLoop(() -> {
            try {
                result.complete(new Observed<>(reader.apply(node.machine.service()), node.machine.lastApplied()));
            } catch (RuntimeException e) { // as the node's loop does: the caller's answer, not the loop's end
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    @Override
    public CompletableFuture<Void> awaitApplied(long index) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        onLoop(() -> node.requests.awaitApplied(index, node.machine.lastApplied(), done));
        return done;
    }

    @Override
    public void shareCommitWith(String nodeId) {
        onLoop(() -> node.core.shareCommitWith(nodeId));
    }

    @Override
    public boolean isLeader() {
        return alive() && node.core.role() == Role.LEADER;
    }

    @Override
    public String leaderId() {
        return alive() ? node.core.leaderId() : null;
    }

    private boolean alive() {
        return node.up() && node.incarnation == incarnation;
    }

    private void onLoop(Runnable task) {
        if (alive()) {
            sim.onLoop(node, () -> {
                try {
                    task.run();
                } catch (RuntimeException | AssertionError e) {
                    sim.bug(e);
                }
            });
        }
    }
}
