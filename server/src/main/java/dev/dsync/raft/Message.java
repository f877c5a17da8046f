package dev.dsync.raft;

import java.util.List;

/**
 * Messages between Raft nodes. Messages are one-way: a response is a message of its own that the
 * receiver's core emits in a later {@link Ready}. Every message carries the sender's term.
 */
public sealed interface Message {
    String from();

    String to();

    long term();

    /** RequestVote, or a PreVote probe when {@code preVote} (the receiver's term does not change). */
    record VoteRequest(String from, String to, long term, long lastLogIndex, long lastLogTerm,
                       boolean preVote, boolean leadershipTransfer) implements Message {}

    record VoteResponse(String from, String to, long term, boolean granted, boolean preVote) implements Message {}

    /**
     * AppendEntries; with no entries it is a heartbeat. {@code readContext} is the leader's
     * heartbeat round, echoed back so ReadIndex can confirm leadership without a log write.
     */
    record AppendRequest(String from, String to, long term, long prevLogIndex, long prevLogTerm,
                         List<Entry> entries, long leaderCommit, long readContext) implements Message {
        public AppendRequest {
            entries = List.copyOf(entries);
        }
    }

    /**
     * On success {@code matchIndex} is the last index the follower now holds that matches the
     * leader. On failure {@code rejectHint} is the index the leader should retry from (fast backup)
     * and {@code matchIndex} echoes the rejected {@code prevLogIndex}, so the leader can tell a
     * stale rejection from a current one.
     */
    record AppendResponse(String from, String to, long term, boolean success, long matchIndex,
                          long rejectHint, long readContext) implements Message {}

    record SnapshotRequest(String from, String to, long term, Snapshot snapshot) implements Message {}

    /**
     * {@code matchIndex} is the index up to which the follower now matches the leader: the
     * snapshot's index if installed, or the follower's commit index if that already covered it.
     */
    record SnapshotResponse(String from, String to, long term, long matchIndex) implements Message {}

    /** Leadership transfer: tells the target to start an election at once, skipping PreVote. */
    record TimeoutNow(String from, String to, long term) implements Message {}
}
