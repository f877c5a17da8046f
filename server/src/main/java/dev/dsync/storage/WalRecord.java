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

    record EntryRecord(Entry entry) implements WalRecord {
        static final byte TYPE = 1;

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
     * A snapshot covering entries up to {@code index} (whose term is {@code term}) was made durable.
     * If the log holds that entry with that term, entries after it stay; otherwise the whole log is
     * discarded (Raft §7: a snapshot from the leader that does not match our log replaces it).
     */
    record SnapshotMarker(long index, long term) implements WalRecord {
        static final byte TYPE = 3;

        @Override
        public byte type() {
            return TYPE;
        }
    }
}
