package dev.dsync.node;

import dev.dsync.statemachine.ApplyResult;
import dev.dsync.statemachine.StateMachine;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * What a service's HTTP handlers may ask of the replicated state machine. Every state machine
 * access runs on the node's Raft loop thread, so handlers never see a half-applied state.
 */
public interface Replica {

    /**
     * Proposes a command and completes with its result once committed and applied here. Fails with
     * {@link NotLeaderException} when this node is not the leader or loses the entry to a new leader
     * (the command then certainly did not happen).
     */
    CompletableFuture<ApplyResult> submit(String clientId, String requestId, byte[] command);

    /**
     * Completes once the local state machine reflects every write that committed before this call
     * (ReadIndex: confirmed by a quorum, no log write). Then {@link #query} is linearizable.
     */
    CompletableFuture<Void> linearizableRead();

    /** Runs a read-only function against the state machine on the Raft loop thread. */
    <T> CompletableFuture<Observed<T>> query(Function<StateMachine, T> reader);

    /** Completes when the applied index reaches {@code index}. */
    CompletableFuture<Void> awaitApplied(long index);

    /**
     * If this node leads: tells {@code nodeId} the commit index now, rather than with the next append or
     * heartbeat (up to 100 ms later), when it could commit more than it has been told. For a service
     * that answers {@code nodeId} about an entry that node then waits to apply. Does not wait.
     */
    void shareCommitWith(String nodeId);

    boolean isLeader();

    String leaderId();

    /** A query result with the applied index it was read at. */
    record Observed<T>(T value, long appliedIndex) {}

    /** This node cannot (or can no longer) commit the request; {@link #leaderId} may say who can. */
    final class NotLeaderException extends RuntimeException {
        private final String leaderId;

        public NotLeaderException(String message, String leaderId) {
            super(message, null, false, false);
            this.leaderId = leaderId;
        }

        public String leaderId() {
            return leaderId;
        }
    }
}
