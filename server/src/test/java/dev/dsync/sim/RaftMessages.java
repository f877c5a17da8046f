package dev.dsync.sim;

import dev.dsync.raft.Message;

/** How the simulation feeds Raft messages into its {@link TraceHash} and prints them in verbose runs. */
final class RaftMessages {
    private RaftMessages() {}

    /** The fields of a delivered message that tell runs apart, in a fixed order. */
    static void trace(TraceHash trace, long now, Message m) {
        trace.add(now);
        trace.add(m.getClass().getSimpleName());
        trace.add(m.from());
        trace.add(m.to());
        trace.add(m.term());
        switch (m) {
            case Message.AppendRequest a -> {
                trace.add(a.prevLogIndex());
                trace.add(a.entries().size());
                trace.add(a.leaderCommit());
            }
            case Message.AppendResponse a -> {
                trace.add(a.success() ? a.matchIndex() : -a.rejectHint());
            }
            case Message.VoteResponse v -> trace.add(v.granted() ? 1 : 0);
            default -> { }
        }
    }

    static String describe(Message m) {
        String head = m.getClass().getSimpleName() + " " + m.from() + "->" + m.to() + " t" + m.term();
        return switch (m) {
            case Message.VoteRequest v -> head + (v.preVote() ? " pre" : "") + (v.leadershipTransfer() ? " transfer" : "")
                    + " last=" + v.lastLogIndex() + "/" + v.lastLogTerm();
            case Message.VoteResponse v -> head + (v.preVote() ? " pre" : "") + (v.granted() ? " granted" : " rejected");
            case Message.AppendRequest a -> head + " prev=" + a.prevLogIndex() + "/" + a.prevLogTerm() + " n=" + a.entries().size()
                    + " commit=" + a.leaderCommit() + " ctx=" + a.readContext();
            case Message.AppendResponse a -> head + (a.success() ? " ok match=" + a.matchIndex()
                    : " reject at=" + a.matchIndex() + " hint=" + a.rejectHint());
            case Message.SnapshotRequest s -> head + " snap=" + s.snapshot().index() + "/" + s.snapshot().term();
            case Message.SnapshotResponse s -> head + " match=" + s.matchIndex();
            case Message.TimeoutNow t -> head;
        };
    }
}
