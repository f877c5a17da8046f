package dev.dsync.storage;

import dev.dsync.raft.Entry;
import dev.dsync.raft.HardState;

/**
 * What one framed record in a WAL segment says. Replay rules (see {@link WalReplay}):
 * entries overwrite any stored entry at the same or a higher index; hard states are last-wins;
 * a snapshot marker compacts the log up to its index.
 */
sealed interface WalRecord {

    /** Type byte on disk; never reuse a value for a different meaning. */
    byte type();

    /** Written as {@link #TYPE}, whose payload has the entry's kind. */
    record EntryRecord(Entry entry) implements WalRecord {
        /** Written before entries had kinds, so its payload has none: read as a DATA entry, never written. */
        static final byte DATA_ONLY_TYPE = 1;
        static final byte TYPE = 4;

        @Override
        public byte type() {
            return TYPE;
        }
    }

    record HardStateRecord(HardState hardState) implements WalRecord {
        static final byte TYPE = 2;

        @Override
        public byte type() {
            return TYPE;
        }
    }

    /**
     * A snapshot covering entries up to {@code index} (whose term is {@code term}) became the base of
     * the log. {@code keptSuffix} records the decision the live store made, so replay never has to
     * re-derive it from entries that may since have been deleted: true if the log held that entry
     * with that term and kept the entries after it; false if the log disagreed (a leader's snapshot,
     * Raft §7) and every entry was discarded.
     */
    record SnapshotMarker(long index, long term, boolean keptSuffix) implements WalRecord {
        static final byte TYPE = 3;

        @Override
        public byte type() {
            return TYPE;
        }
    }
}
