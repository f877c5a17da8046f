package dev.dsync.raft;

import java.util.Map;
import java.util.TreeMap;

/**
 * Which configuration is in force where in one node's log: the bootstrap one, the one its snapshot
 * recorded, and every CONFIG entry after the snapshot. The configuration in force is the latest
 * one in the log, committed or not (dissertation §4.1), so a log truncation can take one back.
 */
final class Configurations {
    private final Membership bootstrap;
    /** In force at the snapshot's index; the bootstrap one where no snapshot recorded any. */
    private Membership atSnapshot;
    private final TreeMap<Long, Membership> inLog = new TreeMap<>();

    Configurations(Membership bootstrap, Snapshot snapshot) {
        this.bootstrap = bootstrap;
        this.atSnapshot = snapshot == null || snapshot.membership() == null ? bootstrap : snapshot.membership();
    }

    Membership latest() {
        return inLog.isEmpty() ? atSnapshot : inLog.lastEntry().getValue();
    }

    /** The index of the latest CONFIG entry in the log, or 0 where it is the snapshot's or bootstrap one. */
    long latestIndex() {
        return inLog.isEmpty() ? 0 : inLog.lastKey();
    }

    /** The configuration in force at {@code index} (at or after the snapshot). */
    Membership at(long index) {
        Map.Entry<Long, Membership> e = inLog.floorEntry(index);
        return e == null ? atSnapshot : e.getValue();
    }

    void appended(Entry e) {
        if (e.isConfig()) {
            inLog.put(e.index(), e.membership());
        }
    }

    void truncatedFrom(long index) {
        inLog.tailMap(index, true).clear();
    }

    void compactedTo(long index) {
        atSnapshot = at(index);
        inLog.headMap(index, true).clear();
    }

    /** A leader's snapshot replaced the log up to its index; {@code keptEntries} says whether later entries stayed. */
    void installed(Snapshot s, boolean keptEntries) {
        if (keptEntries) {
            inLog.headMap(s.index(), true).clear();
        } else {
            inLog.clear();
        }
        atSnapshot = s.membership() == null ? bootstrap : s.membership();
    }
}
