package dev.dsync.storage;

import java.util.Arrays;

/**
 * The shape of the stored log without its payloads: a base (the snapshot point) and the term of
 * every entry after it. Used by the live store to validate appends and decide snapshot markers, and
 * by recovery to replay them.
 *
 * <p>Invariant: the entries held are exactly {@code baseIndex+1 .. baseIndex+count}, contiguous;
 * {@code terms[k]} is the term of entry {@code baseIndex+1+k}.
 */
final class LogIndex {
    private long baseIndex;
    private long baseTerm;
    private long[] terms = new long[64];
    private int count;

    LogIndex(long baseIndex, long baseTerm) {
        this.baseIndex = baseIndex;
        this.baseTerm = baseTerm;
    }

    long baseIndex() {
        return baseIndex;
    }

    long baseTerm() {
        return baseTerm;
    }

    int count() {
        return count;
    }

    long lastIndex() {
        return baseIndex + count;
    }

    /** Term of the entry at {@code index}, the base term at the base, or -1 if not held. */
    long termAt(long index) {
        if (index == baseIndex) {
            return baseTerm;
        }
        if (index > baseIndex && index <= lastIndex()) {
            return terms[(int) (index - baseIndex - 1)];
        }
        return -1;
    }

    /** Whether the entry at {@code index} can be stored now: no gap, nothing at or below the base. */
    boolean fits(long index) {
        return index > baseIndex && index <= lastIndex() + 1;
    }

    /** Stores entry {@code index}, first dropping any entry at or after it (Raft's conflict rule). */
    void append(long index, long term) {
        if (!fits(index)) {
            throw new IllegalArgumentException("entry " + index + " does not fit log (" + baseIndex + ", " + lastIndex() + "]");
        }
        count = (int) (index - baseIndex - 1);
        if (count == terms.length) {
            terms = Arrays.copyOf(terms, terms.length * 2);
        }
        terms[count++] = term;
    }

    /** Drops every entry at or below {@code index}, which becomes the base if it is above the old one. */
    void dropThrough(long index, long term) {
        if (index <= baseIndex) {
            return;
        }
        int drop = (int) Math.min(index - baseIndex, count);
        System.arraycopy(terms, drop, terms, 0, count - drop);
        count -= drop;
        baseIndex = index;
        baseTerm = term;
    }

    /** Drops every entry; the log restarts after {@code index}. */
    void resetTo(long index, long term) {
        count = 0;
        baseIndex = index;
        baseTerm = term;
    }
}
