package dev.dsync.raft;

import java.util.function.IntUnaryOperator;

/**
 * The Raft consensus algorithm as a deterministic state machine, in the style of etcd's raft
 * library: no threads, sockets, files or clocks. Time enters through {@link #tick()}, randomness
 * through the {@code random} function given at construction ({@code random.applyAsInt(n)} returns a
 * value in [0, n)), and every effect leaves through {@link #ready()}.
 *
 * <p>Not thread-safe: the shell serializes all calls.
 */
public final class RaftCore {

    /** Thrown by {@link #propose} when this node cannot accept proposals (not leader, or transferring). */
    public static final class NotLeaderException extends Exception {
        private final String leaderId;

        public NotLeaderException(String leaderId) {
            super(leaderId == null ? "no leader known" : "not the leader; leader is " + leaderId);
            this.leaderId = leaderId;
        }

        public String leaderId() {
            return leaderId;
        }
    }

    public RaftCore(RaftConfig config, IntUnaryOperator random, PersistentState restored) {
        throw new UnsupportedOperationException("implemented by the raft helper");
    }
}
