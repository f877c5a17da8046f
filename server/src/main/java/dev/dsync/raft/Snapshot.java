package dev.dsync.raft;

/**
 * A state machine image that replaces every log entry up to and including {@code index}.
 * {@code data} is opaque to Raft: the state machine's own serialization.
 */
public record Snapshot(long index, long term, byte[] data) {
    public Snapshot {
        if (index < 0 || term < 0) {
            throw new IllegalArgumentException("snapshot index and term must be >= 0");
        }
        if (data == null) {
            data = Entry.NO_DATA;
        }
    }
}
