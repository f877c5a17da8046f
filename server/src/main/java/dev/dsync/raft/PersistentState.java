package dev.dsync.raft;

import java.util.List;

/**
 * What a node recovered from its disk on start: the last persisted hard state, the latest snapshot
 * (null if none), and the log entries after the snapshot, contiguous and in index order.
 */
public record PersistentState(HardState hardState, Snapshot snapshot, List<Entry> entries) {
    public static final PersistentState EMPTY = new PersistentState(HardState.INITIAL, null, List.of());

    public PersistentState {
        entries = List.copyOf(entries);
    }
}
