package dev.dsync.raft;

/**
 * A state machine image that replaces every log entry up to and including {@code index}.
 * {@code data} is opaque to Raft: the state machine's own serialization. {@code membership} is the
 * configuration in force at {@code index}, or null where none was ever recorded in the log (the
 * nodes then use their bootstrap member list).
 */
public record Snapshot(long index, long term, Membership membership, byte[] data) {
    public Snapshot {
        if (index < 0 || term < 0) {
            throw new IllegalArgumentException("snapshot index and term must be >= 0");
        }
        if (data == null) {
            data = Entry.NO_DATA;
        }
    }

    /** An image taken before any configuration entry: the bootstrap member list is in force. */
    public Snapshot(long index, long term, byte[] data) {
        this(index, term, null, data);
    }
}
