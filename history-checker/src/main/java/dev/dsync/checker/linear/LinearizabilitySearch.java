package dev.dsync.checker.linear;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * Wing &amp; Gong's linearizability search with Lowe's just-in-time linearization and memo.
 *
 * <p>Walk the entry list from the front. At a call entry, try to linearize that operation
 * now: if the model accepts it and the resulting configuration (linearized set, state) is
 * new, push it, lift its entries and restart from the front. At a return entry, the
 * operation it belongs to completed without having been linearized in this branch, so
 * backtrack: pop the last choice, unlift it, and continue after its call entry. The history
 * is linearizable when no mandatory return remains (optional operations return at +infinity,
 * so reaching one means every mandatory operation is placed); it is not when a return is
 * reached with nothing left to pop.
 *
 * <p>The search is deterministic for a given problem. Every loop iteration either lifts an
 * operation into a never-seen configuration or advances/pops, so it terminates; the memo
 * bounds the work by the number of distinct configurations. Limits: a wall-clock deadline
 * (checked every 1024 iterations) and the memory budget both end the search as UNKNOWN.
 */
public final class LinearizabilitySearch {
    private static final long SEED = 0x5eed_dec1_de5L;

    private LinearizabilitySearch() {
    }

    /**
     * @param deadline  {@link System#nanoTime()} value after which the search gives up
     * @param explored  receives the number of newly explored configurations from time to time
     */
    public static SearchResult run(KeyProblem p, long deadline, MemoryBudget budget, LongConsumer explored) {
        ConfigSet memo = new ConfigSet(budget);
        Run run = null;
        try {
            run = new Run(p, memo, deadline, explored);
            return run.search();
        } catch (SearchAbort a) {
            // Report how far the search got: the longest prefix it had linearized.
            int[] prefix = run == null ? new int[0] : Arrays.copyOf(run.best, Math.max(run.bestLen, 0));
            return new SearchResult(SearchResult.Status.UNKNOWN, memo.size(), prefix, 0, -1, a.getMessage());
        } finally {
            memo.release();
        }
    }

    /** Mutable state of one search. */
    private static final class Run {
        private final KeyProblem p;
        private final SequentialSpec spec;
        private final ConfigSet memo;
        private final long deadline;
        private final LongConsumer explored;
        private final EntryList list;
        private final long[] zobrist;
        private final long[] bits;
        private final int[] stackOp;
        private final long[] stackState;
        private int depth;
        private int lo; // every word below lo is all ones (a lower bound, tightened on lookup)
        private int hi; // every word at or above hi is zero (an upper bound, tightened on clear)
        private long setHash;
        // Longest prefix: best[0..bestLen) is it; stack[0..synced) still equals best[0..synced).
        private final int[] best;
        private int bestLen = -1;
        private int synced;
        private long bestState;
        private int blocking = -1;

        Run(KeyProblem p, ConfigSet memo, long deadline, LongConsumer explored) {
            this.p = p;
            this.spec = p.spec();
            this.memo = memo;
            this.deadline = deadline;
            this.explored = explored;
            int n = p.size();
            this.list = new EntryList(p);
            this.zobrist = new long[n];
            SplittableRandom r = new SplittableRandom(SEED);
            for (int i = 0; i < n; i++) {
                zobrist[i] = r.nextLong();
            }
            this.bits = new long[(n + 63) >>> 6];
            this.stackOp = new int[n];
            this.stackState = new long[n];
            this.best = new int[n];
        }

        SearchResult search() {
            long state = spec.initialState();
            recordBest(state);
            memo.add(hash(state), state, bits, 0, 0);
            long iterations = 0;
            long reported = 0;
            int entry = list.first();
            while (true) {
                if ((++iterations & 1023) == 0) {
                    explored.accept(memo.size() - reported);
                    reported = memo.size();
                    if (System.nanoTime() - deadline > 0) {
                        throw new SearchAbort("time limit reached");
                    }
                }
                if (entry == EntryList.END) {
                    return done(SearchResult.Status.LINEARIZABLE, reported);
                }
                int op = entry >> 1;
                if ((entry & 1) == 0) {
                    int twin = p.twin()[op];
                    if (twin < 0 || isSet(twin)) {
                        long next = spec.step(state, op);
                        if (next != SequentialSpec.INVALID) {
                            set(op);
                            if (memo.add(hash(next), next, bits, tightLo(), hi)) {
                                stackOp[depth] = op;
                                stackState[depth] = state;
                                depth++;
                                state = next;
                                list.lift(op);
                                if (depth > bestLen) {
                                    recordBest(state);
                                }
                                entry = list.first();
                                continue;
                            }
                            clear(op);
                        }
                    }
                    entry = list.next[entry];
                    continue;
                }
                if (p.optional(op)) {
                    return done(SearchResult.Status.LINEARIZABLE, reported);
                }
                if (depth == bestLen && synced == bestLen && blocking < 0) {
                    blocking = op;
                }
                if (depth == 0) {
                    return done(SearchResult.Status.NOT_LINEARIZABLE, reported);
                }
                depth--;
                int undo = stackOp[depth];
                state = stackState[depth];
                synced = Math.min(synced, depth);
                list.unlift(undo);
                clear(undo);
                entry = list.next[2 * undo];
            }
        }

        private SearchResult done(SearchResult.Status status, long reported) {
            explored.accept(memo.size() - reported);
            int[] prefix = Arrays.copyOf(best, Math.max(bestLen, 0));
            return new SearchResult(status, memo.size(), prefix, bestState,
                    status == SearchResult.Status.NOT_LINEARIZABLE ? blocking : -1, null);
        }

        /** Copies only the part of the stack that changed since the last record (amortized O(1) per push). */
        private void recordBest(long state) {
            System.arraycopy(stackOp, synced, best, synced, depth - synced);
            synced = depth;
            bestLen = depth;
            bestState = state;
            blocking = -1;
        }

        private long hash(long state) {
            long h = setHash ^ (state * 0x9E3779B97F4A7C15L);
            h ^= h >>> 31;
            h *= 0xBF58476D1CE4E5B9L;
            return h ^ (h >>> 29);
        }

        private boolean isSet(int op) {
            return (bits[op >>> 6] & (1L << op)) != 0;
        }

        private void set(int op) {
            int w = op >>> 6;
            bits[w] |= 1L << op;
            setHash ^= zobrist[op];
            if (w >= hi) {
                hi = w + 1;
            }
        }

        private void clear(int op) {
            int w = op >>> 6;
            bits[w] &= ~(1L << op);
            setHash ^= zobrist[op];
            if (w < lo) {
                lo = w;
            }
            while (hi > 0 && bits[hi - 1] == 0) {
                hi--;
            }
        }

        private int tightLo() {
            while (lo < hi && bits[lo] == -1L) {
                lo++;
            }
            return lo;
        }
    }
}
