package dev.dsync.raft;

import java.util.List;

/**
 * Follower side of replication: AppendEntries (Raft §5.3) and InstallSnapshot (§7). The caller has
 * already checked the term and made this node a follower of the sender.
 *
 * <p>Answers go out through the core's outbox, so the shell sends them only after persisting the
 * entries they acknowledge: a follower never claims an entry that a crash could take away.
 */
final class LogReceiver {
    private final RaftCore core;

    LogReceiver(RaftCore core) {
        this.core = core;
    }

    void handleAppend(Message.AppendRequest m) {
        RaftLog log = core.log;
        long prev = m.prevLogIndex();
        List<Entry> entries = m.entries();
        if (prev < log.committed()) {
            // Everything up to our commit index is in every later leader's log (Leader
            // Completeness), so it matches: keep only what lies beyond it.
            long committed = log.committed();
            entries = entries.stream().filter(e -> e.index() > committed).toList();
            prev = committed;
        } else if (!log.matches(prev, m.prevLogTerm())) {
            core.send(new Message.AppendResponse(core.id, m.from(), core.term, false, m.prevLogIndex(),
                    log.rejectHint(prev), m.readContext()));
            return;
        }
        long lastNew = log.appendAfterMatch(prev, entries);
        // Only what we verified matches the leader may be committed (a heartbeat verifies prev only).
        log.commitTo(Math.min(m.leaderCommit(), lastNew));
        core.send(new Message.AppendResponse(core.id, m.from(), core.term, true, lastNew, 0, m.readContext()));
    }

    void handleSnapshot(Message.SnapshotRequest m) {
        RaftLog log = core.log;
        Snapshot s = m.snapshot();
        if (s.index() > log.committed()) {
            log.install(s);
        }
        // Either we just installed it, or our commit index already covers it; both match the leader.
        core.send(new Message.SnapshotResponse(core.id, m.from(), core.term, log.committed()));
    }
}
