package dev.dsync.raft;

/**
 * One log entry. A {@link Kind#DATA} entry's {@code data} is the state machine's command; an empty
 * one is a no-op that a new leader appends to commit entries of earlier terms (Raft §5.4.2), which
 * the apply layer skips. A {@link Kind#CONFIG} entry's data is an encoded {@link Membership}: the
 * whole configuration that takes effect as soon as the entry is in a log; the apply layer skips it.
 *
 * <p>Records compare arrays by identity; compare entries by {@code index} and {@code term} only.
 */
public record Entry(long term, long index, Kind kind, byte[] data) {
    public static final byte[] NO_DATA = new byte[0];

    public enum Kind {
        DATA((byte) 0), CONFIG((byte) 1);

        /** The kind's byte in the WAL and on the wire: fixed values, not ordinals, so reordering or adding kinds cannot change what stored bytes mean. */
        public final byte code;

        Kind(byte code) {
            this.code = code;
        }

        public static Kind ofCode(byte code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown entry kind " + code);
        }
    }

    public Entry {
        if (term < 1 || index < 1) {
            throw new IllegalArgumentException("entry term and index start at 1: term=" + term + " index=" + index);
        }
        if (kind == null) {
            throw new IllegalArgumentException("entry kind is required");
        }
        if (data == null) {
            data = NO_DATA;
        }
    }

    /** A state machine command (or, with no data, a no-op). */
    public Entry(long term, long index, byte[] data) {
        this(term, index, Kind.DATA, data);
    }

    public static Entry config(long term, long index, Membership membership) {
        return new Entry(term, index, Kind.CONFIG, membership.encode());
    }

    public boolean isNoop() {
        return kind == Kind.DATA && data.length == 0;
    }

    public boolean isConfig() {
        return kind == Kind.CONFIG;
    }

    /** The configuration a CONFIG entry carries. */
    public Membership membership() {
        if (!isConfig()) {
            throw new IllegalStateException("entry " + index + " is not a configuration");
        }
        return Membership.decode(data);
    }
}
