package dev.dsync.raft;

import java.util.List;

/**
 * A batch of work the shell must carry out, in this order:
 * <ol>
 *   <li>persist {@code snapshot} (if any), then {@code entries} and {@code hardState} (if any) with
 *       one fsync; an entry whose index is already on disk replaces it and every entry after it.
 *       A snapshot here was installed from the leader: the store may keep the entries after it
 *       only if it holds the snapshot's (index, term), else it must drop them all; either way is
 *       safe because the core hands out again, in {@code entries}, every entry it kept;</li>
 *   <li>only then send {@code messages} — except that a leader's AppendRequests and
 *       SnapshotRequests may go before the write, as {@link DurabilityPolicy} (which both shells
 *       use) spells out, together with the commit-only hard state changes that need no fsync;</li>
 *   <li>restore the state machine from {@code snapshot} if any, then apply {@code committed} in order
 *       (those already durable in the shell's log may be applied before the write: a committed
 *       entry is never replaced);</li>
 *   <li>serve {@code readStates} once the applied index reaches theirs; fail {@code droppedReads};</li>
 *   <li>call {@link RaftCore#advance(Ready)}.</li>
 * </ol>
 */
public record Ready(
        Role role,
        String leaderId,
        long term,
        HardState hardState,
        List<Entry> entries,
        Snapshot snapshot,
        List<Entry> committed,
        List<Message> messages,
        List<ReadState> readStates,
        List<Long> droppedReads) {

    public Ready {
        entries = List.copyOf(entries);
        committed = List.copyOf(committed);
        messages = List.copyOf(messages);
        readStates = List.copyOf(readStates);
        droppedReads = List.copyOf(droppedReads);
    }

    public boolean mustPersist() {
        return hardState != null || !entries.isEmpty() || snapshot != null;
    }
}
