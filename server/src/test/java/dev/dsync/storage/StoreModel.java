package dev.dsync.storage;

import dev.dsync.raft.Entry;
import dev.dsync.raft.HardState;
import dev.dsync.raft.Snapshot;
import java.util.ArrayList;
import java.util.List;

/** In-memory reference for what a RaftLogStore must recover: the contract, without files. */
final class StoreModel {
    HardState hardState = HardState.INITIAL;
    Snapshot snapshot;
    long baseIndex;
    final List<Entry> log = new ArrayList<>(); // entries baseIndex+1 .. lastIndex()

    long lastIndex() {
        return baseIndex + log.size();
    }

    long termAt(long index) {
        if (index > baseIndex && index <= lastIndex()) {
            return log.get((int) (index - baseIndex - 1)).term();
        }
        return index == baseIndex && snapshot != null ? snapshot.term() : -1;
    }

    void save(HardState hs, List<Entry> entries) {
        for (Entry e : entries) {
            saveEntry(e);
        }
        if (hs != null) {
            hardState = hs;
        }
    }

    void saveEntry(Entry e) {
        if (e.index() <= baseIndex) {
            return;
        }
        log.subList((int) (e.index() - baseIndex - 1), log.size()).clear();
        log.add(e);
    }

    void saveSnapshot(Snapshot s) {
        if (s.index() <= baseIndex) {
            return;
        }
        if (termAt(s.index()) == s.term()) {
            log.subList(0, (int) (s.index() - baseIndex)).clear();
        } else {
            log.clear();
        }
        baseIndex = s.index();
        snapshot = s;
    }
}
