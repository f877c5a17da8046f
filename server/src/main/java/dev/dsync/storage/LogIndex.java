package dev.dsync.storage;

import java.util.Arrays;

/**
 * The shape of the stored log without its payloads: the snapshot base and the term of every entry
 * after it. Both recovery and the live store apply the same overwrite and compaction rules here, so
 * they cannot drift apart.
 *
 * <p>Invariant: entries are exactly {@code baseIndex+1 .. baseIndex+count}, contiguous;
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

    /** Moves an empty log's base, for recovery that starts after compacted segments. */
    void rebase(long index, long term) {
        if (count != 0) {
            throw new IllegalStateException("rebase of a non-empty log");
        }
        baseIndex = index;
        baseTerm = term;
    }

    /**
     * Stores entry {@code index}, dropping any entry at or after it first (Raft's conflict rule).
     * Requires {@code baseIndex < index <= lastIndex()+1}: no gaps, nothing inside the snapshot.
     */
    void append(long index, long term) {
        if (index <= baseIndex || index > lastIndex() + 1) {
            throw new IllegalArgumentException("entry " + index + " does not fit log (" + baseIndex + ", " + lastIndex() + "]");
        }
        count = (int) (index - baseIndex - 1);
        if (count == terms.length) {
            terms = Arrays.copyOf(terms, terms.length * 2);
        }
        terms[count++] = term;
    }

    /**
     * Applies a snapshot at ({@code index}, {@code term}) that is newer than the base: if the log
     * holds that entry with that term, the entries after it stay; otherwise they are from a
     * different history and are all dropped. Does nothing if {@code index <= baseIndex}.
     */
    void compactTo(long index, long term) {
        if (index <= baseIndex) {
            return;
        }
        if (termAt(index) == term) {
            int drop = (int) (index - baseIndex);
            System.arraycopy(terms, drop, terms, 0, count - drop);
            count -= drop;
        } else {
            count = 0;
        }
        baseIndex = index;
        baseTerm = term;
    }
}
