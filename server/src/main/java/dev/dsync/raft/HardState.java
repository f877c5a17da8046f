package dev.dsync.raft;

/**
 * The state a node must persist (fsync) before it answers a vote or acknowledges entries.
 * {@code votedFor} is null when the node has not voted in {@code term}.
 */
public record HardState(long term, String votedFor, long commit) {
    public static final HardState INITIAL = new HardState(0, null, 0);
}
