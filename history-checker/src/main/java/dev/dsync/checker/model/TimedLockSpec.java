package dev.dsync.checker.model;

import dev.dsync.checker.LeaseWindow;
import dev.dsync.checker.history.Operation;
import dev.dsync.checker.linear.SequentialSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The timed reader-writer lock: the untimed rules (see {@link RwLockModel}) plus time.
 *
 * <p>Every linearized operation gets a time t in [invoke, completion] (info: [invoke, +inf)),
 * non-decreasing along the linearization. Each hold carries a bound: the instant before which
 * its lease cannot have run out (invoke of the granting acquire + ttl x (1 - rho)). A
 * conflicting acquire may evict a holder only at t &gt;= that holder's bound. A refresh (an ok
 * renew, re-acquire, or acquire of another key by the holder) raises the bound to its invoke +
 * ttl x (1 - rho), but only if it surely came while the hold was surely alive, i.e. it completed
 * before the bound; otherwise it may have come after the lease ran out, and it is ignored
 * (ignoring an extension keeps bounds earlier: the permissive side).
 *
 * <p>All time constraints are lower bounds, so each step takes the earliest allowed time
 * {@code t = max(now, invoke, bounds of the holders it evicts)}; a smaller {@code now} never
 * allows less, so this choice loses no linearization. States are interned ({@link TimedLockStates}).
 */
final class TimedLockSpec implements SequentialSpec {
    static final byte ACQUIRE_S = 0;
    static final byte ACQUIRE_X = 1;
    static final byte RELEASE = 2;
    static final byte REACQUIRE_S = 3;
    static final byte REACQUIRE_X = 4;
    static final byte REFRESH = 5;
    private static final long FENCE_MASK = (1L << 20) - 1;
    private static final long X_BIT = 1L << 20;
    private static final int MAX_STATES = 2_000_000;

    private final List<Operation> ops;
    private final byte[] kind;
    private final int[] client;
    private final int[] rank;
    private final boolean[] clears;
    private final long[] invoke;
    private final long[] complete;
    private final long[] lease;
    private final List<String> clientNames;
    private final List<Long> fenceByRank;
    private final TimedLockStates states = new TimedLockStates(MAX_STATES);
    private final long initial;

    /**
     * @param complete completion time, {@code Long.MAX_VALUE} for an operation with unknown outcome
     * @param lease    ns a granted or refreshed lease surely lasts after invoke; -1 if unknown
     */
    TimedLockSpec(List<Operation> ops, byte[] kind, int[] client, int[] rank, boolean[] clears, long[] invoke,
                  long[] complete, long[] lease, List<String> clientNames, List<Long> fenceByRank) {
        this.ops = ops;
        this.kind = kind;
        this.client = client;
        this.rank = rank;
        this.clears = clears;
        this.invoke = invoke;
        this.complete = complete;
        this.lease = lease;
        this.clientNames = clientNames;
        this.fenceByRank = fenceByRank;
        this.initial = states.intern(new long[] {0, Long.MIN_VALUE});
    }

    @Override
    public long initialState() {
        return initial;
    }

    @Override
    public long step(long id, int op) {
        long[] s = states.get(id);
        long base = s[0];
        long holders = base >>> 21;
        long[] bound = new long[64];
        for (long h = holders; h != 0; h &= h - 1) {
            int c = Long.numberOfTrailingZeros(h);
            bound[c] = s[2 + Long.bitCount(holders & ((1L << c) - 1))];
        }
        int c = client[op];
        long me = 1L << c;
        long t = Math.max(s[1], invoke[op]);
        boolean x = (base & X_BIT) != 0;
        long fence = base & FENCE_MASK;
        if (clears[op] && (holders & me) != 0) {
            // This client takes over a bit from one surely done by now: that one's lease ran out.
            t = Math.max(t, bound[c]);
            holders &= ~me;
        }
        switch (kind[op]) {
            case REFRESH -> refresh(op, holders, bound);
            case REACQUIRE_S, REACQUIRE_X -> {
                if ((holders & me) == 0 || (kind[op] == REACQUIRE_X && !x)) {
                    return INVALID;
                }
                refresh(op, holders, bound);
            }
            case RELEASE -> {
                if ((holders & me) == 0) {
                    return INVALID;
                }
                holders &= ~me;
            }
            default -> {
                boolean wantsX = kind[op] == ACQUIRE_X;
                // Conflicting holders (evicted, each no earlier than its bound): X conflicts with
                // everyone, S with an X holder and with the client's own hold (not re-entrant).
                long evicted = wantsX || x ? holders : holders & me;
                for (long h = evicted; h != 0; h &= h - 1) {
                    t = Math.max(t, bound[Long.numberOfTrailingZeros(h)]);
                }
                if (rank[op] != 0) {
                    if (rank[op] <= fence) {
                        return INVALID;
                    }
                    fence = rank[op];
                }
                holders = (holders & ~evicted) | me;
                x = wantsX;
                bound[c] = lease[op] >= 0 ? invoke[op] + lease[op] : invoke[op];
            }
        }
        if (t > complete[op]) {
            return INVALID;
        }
        if (holders == 0) {
            x = false;
        }
        long[] next = new long[2 + Long.bitCount(holders)];
        next[0] = (holders << 21) | (x ? X_BIT : 0) | fence;
        next[1] = t;
        int i = 2;
        for (long h = holders; h != 0; h &= h - 1) {
            next[i++] = bound[Long.numberOfTrailingZeros(h)];
        }
        return states.intern(next);
    }

    /** Extends the client's hold if the refresh surely came while it was surely alive. */
    private void refresh(int op, long holders, long[] bound) {
        int c = client[op];
        if ((holders & (1L << c)) != 0 && lease[op] >= 0 && complete[op] < bound[c]) {
            bound[c] = Math.max(bound[c], invoke[op] + lease[op]);
        }
    }

    @Override
    public String describeState(long id) {
        long[] s = states.get(id);
        long holders = s[0] >>> 21;
        StringBuilder b = new StringBuilder();
        if (holders == 0) {
            b.append("free");
        } else {
            b.append((s[0] & X_BIT) != 0 ? "X held by " : "S held by ");
            int i = 2;
            for (long h = holders; h != 0; h &= h - 1) {
                b.append(i > 2 ? ", " : "").append(clientNames.get(Long.numberOfTrailingZeros(h)))
                        .append(" (lease surely alive until ").append(seconds(s[i++])).append(')');
            }
        }
        long r = s[0] & FENCE_MASK;
        b.append("; last fence ").append(r == 0 ? "none" : String.valueOf(fenceByRank.get((int) r)));
        if (s[1] != Long.MIN_VALUE) {
            b.append("; time ≥ ").append(seconds(s[1]));
        }
        return b.toString();
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }

    @Override
    public List<LeaseWindow> leaseWindows(int[] prefix, long state, int blocking) {
        int[] grant = new int[64];
        java.util.Arrays.fill(grant, -1);
        for (int op : prefix) {
            if (kind[op] == ACQUIRE_S || kind[op] == ACQUIRE_X) {
                grant[client[op]] = op;
            }
        }
        long[] s = states.get(state);
        long holders = s[0] >>> 21;
        String mode = (s[0] & X_BIT) != 0 ? "X" : "S";
        List<LeaseWindow> out = new ArrayList<>();
        int i = 2;
        for (long h = holders; h != 0; h &= h - 1) {
            int g = grant[Long.numberOfTrailingZeros(h)];
            long until = s[i++];
            if (g >= 0) {
                Operation op = ops.get(g);
                out.add(new LeaseWindow(op.id(), op.key(), LockLeaseOps.clientOf(op), mode, invoke[g], until, "holder"));
            }
        }
        if (blocking >= 0 && (kind[blocking] == ACQUIRE_S || kind[blocking] == ACQUIRE_X)) {
            Operation op = ops.get(blocking);
            long until = lease[blocking] >= 0 ? invoke[blocking] + lease[blocking] : invoke[blocking];
            out.add(new LeaseWindow(op.id(), op.key(), LockLeaseOps.clientOf(op), kind[blocking] == ACQUIRE_X ? "X" : "S",
                    invoke[blocking], until, "blocked"));
        }
        return out;
    }
}
