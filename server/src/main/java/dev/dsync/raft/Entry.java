package dev.dsync.raft;

/**
 * One log entry. An entry with empty {@code data} is a no-op that a new leader appends to commit
 * entries of earlier terms (Raft §5.4.2); the apply layer skips it.
 *
 * <p>Records compare arrays by identity; compare entries by {@code index} and {@code term} only.
 */
public record Entry(long term, long index, byte[] data) {
    public static final byte[] NO_DATA = new byte[0];

    public Entry {
        if (term < 1 || index < 1) {
            throw new IllegalArgumentException("entry term and index start at 1: term=" + term + " index=" + index);
        }
        if (data == null) {
            data = NO_DATA;
        }
    }

    public boolean isNoop() {
        return data.length == 0;
    }
}
