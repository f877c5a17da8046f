package dev.dsync.sim;

import dev.dsync.raft.Entry;
import dev.dsync.raft.HardState;
import dev.dsync.raft.PersistentState;
import dev.dsync.raft.DurabilityPolicy;
import dev.dsync.raft.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * One node's disk. Only what a Ready's persist step wrote (the fsync) is here; everything else a
 * node knows is lost when it crashes. A persist step is atomic: a crash lands before or after it.
 *
 * <p>Semantics the core relies on: a Ready's snapshot (an installed one) replaces the whole log;
 * a compaction snapshot drops only the entries it covers; an entry replaces the one at its index
 * and every entry after it. Invariant: entries are contiguous and start right after the snapshot.
 */
final class SimDisk {
    private HardState hardState = HardState.INITIAL;
    private Snapshot snapshot;
    private final ArrayList<Entry> entries = new ArrayList<>();

    /** One fsync: what a {@link DurabilityPolicy} plan says to write. */
    void persist(DurabilityPolicy.Plan r) {
        if (r.snapshot() != null) {
            snapshot = r.snapshot();
            entries.clear();
        }
        if (!r.entries().isEmpty()) {
            long first = r.entries().getFirst().index();
            long next = snapshotIndex() + 1;
            if (first < next || first > next + entries.size()) {
                throw new IllegalStateException("persisting entries from " + first + " leaves a gap or overwrites the snapshot; disk holds "
                        + next + ".." + (next + entries.size() - 1));
            }
            entries.subList((int) (first - next), entries.size()).clear();
            entries.addAll(r.entries());
        }
        if (r.hardState() != null) {
            hardState = r.hardState();
        }
    }

    void saveCompaction(Snapshot s) {
        if (s.index() <= snapshotIndex()) {
            return;
        }
        int drop = (int) Math.min(entries.size(), s.index() - snapshotIndex());
        entries.subList(0, drop).clear();
        snapshot = s;
    }

    Snapshot snapshot() {
        return snapshot;
    }

    PersistentState load() {
        return new PersistentState(hardState, snapshot, List.copyOf(entries));
    }

    /** Whether this disk holds entry (index, term), or a snapshot that covers the index. */
    boolean holds(long index, long term) {
        if (index <= snapshotIndex()) {
            return true;
        }
        long offset = index - snapshotIndex() - 1;
        return offset < entries.size() && entries.get((int) offset).term() == term;
    }

    private long snapshotIndex() {
        return snapshot == null ? 0 : snapshot.index();
    }
}
