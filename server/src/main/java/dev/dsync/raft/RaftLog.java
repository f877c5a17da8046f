package dev.dsync.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * One node's in-memory Raft log: a snapshot boundary (index, term) followed by the entries after
 * it. Also tracks what the shell has made durable.
 *
 * <p>Invariants, checked where they could break:
 * <ul>
 *   <li>{@code entries.get(k).index() == snapshotIndex + 1 + k}, and terms never decrease;</li>
 *   <li>{@code snapshotIndex <= committed <= lastIndex()}, and {@code committed} never decreases;</li>
 *   <li>an entry at or below {@code committed} is never replaced;</li>
 *   <li>{@code persisted <= lastIndex()}: every index up to it is on disk (as entry or snapshot);</li>
 *   <li>entries from {@code unstableFrom} on have not yet been handed to the shell to persist.</li>
 * </ul>
 */
final class RaftLog {
    private Snapshot snapshot;
    private long snapshotIndex;
    private long snapshotTerm;
    private final ArrayList<Entry> entries = new ArrayList<>();
    private long committed;
    private long persisted;
    private long unstableFrom;
    /** A snapshot received from the leader that no Ready has carried yet. */
    private Snapshot unsentSnapshot;
    private final Configurations configurations;

    RaftLog(PersistentState restored, Membership bootstrap) {
        snapshot = restored.snapshot();
        configurations = new Configurations(bootstrap, snapshot);
        snapshotIndex = snapshot == null ? 0 : snapshot.index();
        snapshotTerm = snapshot == null ? 0 : snapshot.term();
        for (Entry e : restored.entries()) {
            if (e.index() <= snapshotIndex) {
                continue; // already folded into the snapshot
            }
            if (e.index() != lastIndex() + 1 || e.term() < lastTerm()) {
                throw new IllegalStateException("restored log is not contiguous or terms decrease at index " + e.index());
            }
            entries.add(e);
            configurations.appended(e);
        }
        committed = Math.max(restored.hardState().commit(), snapshotIndex);
        if (committed > lastIndex()) {
            throw new IllegalStateException("restored commit " + committed + " beyond the restored log end " + lastIndex());
        }
        persisted = lastIndex();
        unstableFrom = lastIndex() + 1;
    }

    long firstIndex() {
        return snapshotIndex + 1;
    }

    long lastIndex() {
        return snapshotIndex + entries.size();
    }

    long lastTerm() {
        return term(lastIndex());
    }

    long snapshotIndex() {
        return snapshotIndex;
    }

    /** The latest snapshot (restored, compacted or installed), or null if the log was never compacted. */
    Snapshot snapshot() {
        return snapshot;
    }

    long committed() {
        return committed;
    }

    /** The configuration in force: the latest in the log, committed or not. */
    Membership membership() {
        return configurations.latest();
    }

    /** The configuration in force at {@code index}, which must not be compacted away. */
    Membership membershipAt(long index) {
        return configurations.at(index);
    }

    /** The index of the latest CONFIG entry, or 0 if the configuration in force predates the log. */
    long membershipIndex() {
        return configurations.latestIndex();
    }

    long persisted() {
        return persisted;
    }

    /** The term of the entry at {@code index}, or -1 if it is compacted away or beyond the end. */
    long term(long index) {
        if (index == snapshotIndex) {
            return snapshotTerm;
        }
        if (index < snapshotIndex || index > lastIndex()) {
            return -1;
        }
        return entries.get(offset(index)).term();
    }

    boolean matches(long index, long term) {
        return term(index) == term;
    }

    /** The entry at {@code index}, or null if compacted away or beyond the end. */
    Entry entry(long index) {
        return index <= snapshotIndex || index > lastIndex() ? null : entries.get(offset(index));
    }

    /** Entries [from, to], at most {@code max} of them; {@code from} must not be compacted. */
    List<Entry> slice(long from, long to, int max) {
        return slice(from, to, max, Long.MAX_VALUE);
    }

    /** At most {@code max} entries from {@code from}, stopping before {@code maxBytes} of data (but never empty). */
    List<Entry> slice(long from, long to, int max, long maxBytes) {
        if (from <= snapshotIndex) {
            throw new IllegalStateException("slice from compacted index " + from);
        }
        long end = Math.min(Math.min(to, lastIndex()), from + max - 1);
        if (end < from) {
            return List.of();
        }
        long bytes = 0;
        for (long i = from; i <= end; i++) {
            bytes += entries.get(offset(i)).data().length;
            if (bytes > maxBytes && i > from) {
                end = i - 1;
                break;
            }
        }
        return List.copyOf(entries.subList(offset(from), offset(end) + 1));
    }

    /** Raft §5.4.1: is a log ending at (index, term) at least as up to date as this one? */
    boolean isUpToDate(long index, long term) {
        return term > lastTerm() || (term == lastTerm() && index >= lastIndex());
    }

    /** Leader append of a new entry at the end. */
    void append(Entry e) {
        if (e.index() != lastIndex() + 1 || e.term() < lastTerm()) {
            throw new IllegalStateException("append out of order: " + e.index() + "/" + e.term() + " after " + lastIndex() + "/" + lastTerm());
        }
        entries.add(e);
        configurations.appended(e);
    }

    /**
     * Follower append: {@code prevIndex} is known to match the leader. Entries already present
     * with the same term are kept; the first conflicting one and everything after it are replaced.
     *
     * @return the index of the last entry the leader sent, which now matches the leader
     */
    long appendAfterMatch(long prevIndex, List<Entry> incoming) {
        long index = prevIndex;
        for (Entry e : incoming) {
            if (e.index() != index + 1 || e.index() <= snapshotIndex) {
                throw new IllegalStateException("append of compacted or misplaced entry " + e.index() + " after " + index);
            }
            index = e.index();
            long existing = term(index);
            if (existing == e.term()) {
                continue;
            }
            if (existing != -1) {
                truncateFrom(index);
            }
            append(e);
        }
        return index;
    }

    private void truncateFrom(long index) {
        if (index <= committed) {
            throw new IllegalStateException("log conflict at committed index " + index + " (commit " + committed + ")");
        }
        entries.subList(offset(index), entries.size()).clear();
        configurations.truncatedFrom(index);
        unstableFrom = Math.min(unstableFrom, index);
        persisted = Math.min(persisted, index - 1);
    }

    /** Raises the commit index; it never decreases and never passes the end of the log. */
    void commitTo(long index) {
        if (index <= committed) {
            return;
        }
        if (index > lastIndex()) {
            throw new IllegalStateException("commit " + index + " beyond log end " + lastIndex());
        }
        committed = index;
    }

    /**
     * For a rejected append at {@code rejectedIndex}: where the leader should retry from. Skips back
     * over the whole run of the conflicting term (Raft §5.3 optimisation), never below commit+1.
     */
    long rejectHint(long rejectedIndex) {
        if (rejectedIndex > lastIndex()) {
            return lastIndex() + 1;
        }
        long conflictTerm = term(rejectedIndex);
        long hint = rejectedIndex;
        while (hint - 1 > committed && term(hint - 1) == conflictTerm) {
            hint--;
        }
        return hint;
    }

    // ---- durability ----------------------------------------------------------------------------

    boolean hasUnstable() {
        return unstableFrom <= lastIndex() || unsentSnapshot != null;
    }

    /** Entries the shell has not been asked to persist yet; marks them handed out. */
    List<Entry> takeUnstableEntries() {
        if (unstableFrom > lastIndex()) {
            return List.of();
        }
        List<Entry> out = List.copyOf(entries.subList(offset(unstableFrom), entries.size()));
        unstableFrom = lastIndex() + 1;
        return out;
    }

    Snapshot takeUnsentSnapshot() {
        Snapshot s = unsentSnapshot;
        unsentSnapshot = null;
        return s;
    }

    /** The shell persisted a Ready whose last entry is {@code last}; ignored if the log moved on since. */
    void persistedUpTo(Entry last) {
        if (term(last.index()) == last.term()) {
            persisted = Math.max(persisted, last.index());
        }
    }

    // ---- snapshots -----------------------------------------------------------------------------

    /** Drops entries up to {@code index}, which the state machine image {@code data} covers. */
    Snapshot compact(long index, byte[] data) {
        if (index <= snapshotIndex) {
            throw new IllegalArgumentException("compact to " + index + " but already compacted to " + snapshotIndex);
        }
        if (index > persisted || index > committed) {
            throw new IllegalStateException("compact to " + index + " beyond persisted " + persisted + " or committed " + committed);
        }
        long term = term(index);
        entries.subList(0, offset(index) + 1).clear();
        configurations.compactedTo(index);
        snapshotIndex = index;
        snapshotTerm = term;
        snapshot = new Snapshot(index, term, configurations.at(index), data);
        return snapshot;
    }

    /**
     * Installs a leader's snapshot beyond our commit index. If our entry at its index has its term,
     * the entries after it are kept (Raft Figure 13); otherwise every entry conflicts and goes.
     * The shell replaces its whole on-disk log with the snapshot, so kept entries are handed out
     * again to be persisted after it.
     */
    void install(Snapshot s) {
        if (s.index() <= committed) {
            throw new IllegalStateException("install of snapshot " + s.index() + " at or below commit " + committed);
        }
        boolean keep = term(s.index()) == s.term();
        if (keep) {
            entries.subList(0, offset(s.index()) + 1).clear();
        } else {
            entries.clear();
        }
        configurations.installed(s, keep);
        snapshot = s;
        snapshotIndex = s.index();
        snapshotTerm = s.term();
        committed = s.index();
        unstableFrom = s.index() + 1;
        // Strictly the snapshot is durable only after the next Ready is persisted; only a leader
        // reads this, and a node cannot win an election before that Ready's messages go out.
        persisted = s.index();
        unsentSnapshot = s;
    }

    private int offset(long index) {
        return Math.toIntExact(index - snapshotIndex - 1);
    }
}
