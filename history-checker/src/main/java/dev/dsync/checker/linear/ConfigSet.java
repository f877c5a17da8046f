package dev.dsync.checker.linear;

import java.util.Arrays;

/**
 * The memo of visited configurations (set of linearized operations, model state), so no
 * configuration is explored twice.
 *
 * <p>Compact by construction: the bitset is stored as its canonical window, the words from
 * the first word that is not all ones to the last non-zero word. During a search almost every
 * early operation is already linearized and almost no late one is, so the window is a few
 * words even for histories of thousands of operations.
 *
 * <p>Layout: open addressing with linear probing over {@code slotHash} (full 64-bit hash, 0 =
 * empty) and {@code slotOff} (offset into {@code arena}). An arena record is
 * {@code [state, lo << 32 | len, word_lo, ..., word_lo+len-1]}. All growth is reserved from
 * the {@link MemoryBudget} first.
 */
final class ConfigSet {
    private static final int INITIAL_SLOTS = 1 << 10;
    private final MemoryBudget budget;
    private long[] slotHash = new long[INITIAL_SLOTS];
    private int[] slotOff = new int[INITIAL_SLOTS];
    private long[] arena = new long[INITIAL_SLOTS * 4];
    private int arenaUsed;
    private int size;
    private long reserved;

    ConfigSet(MemoryBudget budget) {
        this.budget = budget;
        reserve(INITIAL_SLOTS * 12L + arena.length * 8L);
    }

    int size() {
        return size;
    }

    /**
     * Adds the configuration (bits[lo..hi), state) with precomputed hash; returns false if it
     * was already present. Callers pass the canonical window (see class comment).
     */
    boolean add(long hash, long state, long[] bits, int lo, int hi) {
        long h = hash == 0 ? 1 : hash; // 0 marks an empty slot
        int len = Math.max(0, hi - lo);
        int mask = slotHash.length - 1;
        int i = (int) (h ^ (h >>> 32)) & mask;
        while (slotHash[i] != 0) {
            if (slotHash[i] == h && matches(slotOff[i], state, bits, lo, len)) {
                return false;
            }
            i = (i + 1) & mask;
        }
        int off = store(state, bits, lo, len);
        slotHash[i] = h;
        slotOff[i] = off;
        if (++size * 2 > slotHash.length) {
            rehash();
        }
        return true;
    }

    private boolean matches(int off, long state, long[] bits, int lo, int len) {
        if (arena[off] != state || arena[off + 1] != (((long) lo << 32) | len)) {
            return false;
        }
        return Arrays.equals(arena, off + 2, off + 2 + len, bits, lo, lo + len);
    }

    private int store(long state, long[] bits, int lo, int len) {
        int need = 2 + len;
        if (arenaUsed + need > arena.length) {
            long grown = Math.max((long) arena.length * 2, (long) arenaUsed + need);
            if (grown > Integer.MAX_VALUE - 16) {
                throw new SearchAbort("memo table larger than 2^31 words");
            }
            reserve((grown - arena.length) * 8);
            arena = Arrays.copyOf(arena, (int) grown);
        }
        int off = arenaUsed;
        arena[off] = state;
        arena[off + 1] = ((long) lo << 32) | len;
        System.arraycopy(bits, lo, arena, off + 2, len);
        arenaUsed += need;
        return off;
    }

    private void rehash() {
        int cap = slotHash.length * 2;
        if (cap <= 0) {
            throw new SearchAbort("memo table has too many entries");
        }
        reserve(slotHash.length * 12L);
        long[] hashes = new long[cap];
        int[] offs = new int[cap];
        int mask = cap - 1;
        for (int j = 0; j < slotHash.length; j++) {
            long h = slotHash[j];
            if (h != 0) {
                int i = (int) (h ^ (h >>> 32)) & mask;
                while (hashes[i] != 0) {
                    i = (i + 1) & mask;
                }
                hashes[i] = h;
                offs[i] = slotOff[j];
            }
        }
        slotHash = hashes;
        slotOff = offs;
    }

    private void reserve(long bytes) {
        budget.reserve(bytes);
        reserved += bytes;
    }

    /** Returns all reserved memory to the budget; the set must not be used afterwards. */
    void release() {
        budget.release(reserved);
        reserved = 0;
        slotHash = null;
        slotOff = null;
        arena = null;
    }
}
