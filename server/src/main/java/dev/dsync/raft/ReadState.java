package dev.dsync.raft;

/**
 * A confirmed ReadIndex request: once the local state machine has applied {@code index}, a read
 * served from it is linearizable.
 */
public record ReadState(long requestId, long index) {}
