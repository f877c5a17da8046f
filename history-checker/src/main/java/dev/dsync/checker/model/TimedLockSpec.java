package dev.dsync.checker.model;

import dev.dsync.checker.LeaseWindow;
import dev.dsync.checker.history.Operation;
import dev.dsync.checker.linear.SequentialSpec;
import java.util.ArrayList;
import java.util.Arrays;
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
 * allows less, so this choice loses no linearization.
 *
 * <p>State (interned by {@link TimedLockStates}): {@code [fence rank | X flag << 32, now,
 * client, bound, client, bound, ...]} with the holders sorted by client index. Holders are few
 * at any time, so there is no limit on the number of clients.
 */
final class TimedLockSpec implements SequentialSpec {
    static final byte ACQUIRE_S = 0;
    static final byte ACQUIRE_X = 1;
    static final byte RELEASE = 2;
    static final byte REACQUIRE_S = 3;
    static final byte REACQUIRE_X = 4;
    static final byte REFRESH = 5;
    /** A release that also withdrew a queued request ({@link LockLeaseOps#withdrew}): no hold needed. */
    static final byte WITHDRAW = 6;
    private static final long X_FLAG = 1L << 32;
    private static final long RANK_MASK = X_FLAG - 1;
    private static final int MAX_STATES = 2_000_000;

    private final List<Operation> ops;
    private final byte[] kind;
    private final int[] client;
    private final int[] rank;
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
    TimedLockSpec(List<Operation> ops, byte[] kind, int[] client, int[] rank, long[] invoke, long[] complete,
                  long[] lease, List<String> clientNames, List<Long> fenceByRank) {
        this.ops = ops;
        this.kind = kind;
        this.client = client;
        this.rank = rank;
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
        long meta = s[0];
        boolean x = (meta & X_FLAG) != 0;
        long fence = meta & RANK_MASK;
        long t = Math.max(s[1], invoke[op]);
        int c = client[op];
        int mine = -1; // position of the client's hold among the holders, if any
        for (int i = 2; i < s.length; i += 2) {
            if (s[i] == c) {
                mine = i;
            }
        }
        long[] next;
        switch (kind[op]) {
            case REFRESH, REACQUIRE_S, REACQUIRE_X -> {
                if (kind[op] != REFRESH && (mine < 0 || (kind[op] == REACQUIRE_X && !x))) {
                    return INVALID;
                }
                next = s.clone();
                if (mine >= 0 && lease[op] >= 0 && complete[op] < s[mine + 1]) {
                    next[mine + 1] = Math.max(s[mine + 1], invoke[op] + lease[op]);
                }
            }
            case RELEASE, WITHDRAW -> {
                if (mine < 0 && kind[op] == RELEASE) {
                    return INVALID;
                }
                if (mine < 0) {
                    next = s.clone();
                    break;
                }
                next = new long[s.length - 2];
                System.arraycopy(s, 0, next, 0, mine);
                System.arraycopy(s, mine + 2, next, mine, s.length - mine - 2);
                if (next.length == 2) {
                    next[0] = fence; // free: no mode
                }
            }
            default -> {
                boolean wantsX = kind[op] == ACQUIRE_X;
                // Conflicting holders are evicted, each no earlier than its bound: X conflicts
                // with everyone, S with an X holder and with the client's own hold (a new grant
                // to a holder means its hold had expired). Exception: an S holder asking X is an
                // upgrade; the server keeps its S hold while the others leave, so that hold is
                // replaced at no cost.
                boolean evictAll = wantsX || x;
                boolean upgrade = wantsX && !x && mine >= 0;
                for (int i = 2; i < s.length; i += 2) {
                    if ((evictAll || i == mine) && !(upgrade && i == mine)) {
                        t = Math.max(t, s[i + 1]);
                    }
                }
                if (rank[op] != 0) {
                    if (rank[op] <= fence) {
                        return INVALID;
                    }
                    fence = rank[op];
                }
                long bound = lease[op] >= 0 ? invoke[op] + lease[op] : invoke[op];
                if (upgrade) {
                    bound = Math.max(bound, s[mine + 1]); // an ok acquire refreshes, never shortens, the lease
                }
                next = evictAll ? new long[] {0, 0, c, bound} : withHold(s, mine, c, bound);
                next[0] = fence | (wantsX ? X_FLAG : 0);
            }
        }
        if (t > complete[op]) {
            return INVALID;
        }
        next[1] = t;
        return states.intern(next);
    }

    /** The S holders of {@code s} without the client's old hold (at {@code mine}, or -1) and with its new one. */
    private static long[] withHold(long[] s, int mine, int c, long bound) {
        long[] out = new long[s.length + (mine < 0 ? 2 : 0)];
        int o = 2;
        boolean placed = false;
        for (int i = 2; i < s.length; i += 2) {
            if (i == mine) {
                continue;
            }
            if (!placed && s[i] > c) {
                out[o++] = c;
                out[o++] = bound;
                placed = true;
            }
            out[o++] = s[i];
            out[o++] = s[i + 1];
        }
        if (!placed) {
            out[o++] = c;
            out[o] = bound;
        }
        return out;
    }

    @Override
    public String describeState(long id) {
        long[] s = states.get(id);
        StringBuilder b = new StringBuilder();
        if (s.length == 2) {
            b.append("free");
        } else {
            b.append((s[0] & X_FLAG) != 0 ? "X held by " : "S held by ");
            for (int i = 2; i < s.length; i += 2) {
                b.append(i > 2 ? ", " : "").append(clientNames.get((int) s[i]))
                        .append(" (lease surely alive until ").append(seconds(s[i + 1])).append(')');
            }
        }
        long r = s[0] & RANK_MASK;
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
        int[] grant = new int[clientNames.size()];
        Arrays.fill(grant, -1);
        for (int op : prefix) {
            if (kind[op] == ACQUIRE_S || kind[op] == ACQUIRE_X) {
                grant[client[op]] = op;
            }
        }
        long[] s = states.get(state);
        String mode = (s[0] & X_FLAG) != 0 ? "X" : "S";
        List<LeaseWindow> out = new ArrayList<>();
        for (int i = 2; i < s.length; i += 2) {
            int g = grant[(int) s[i]];
            if (g >= 0) {
                Operation op = ops.get(g);
                out.add(new LeaseWindow(op.id(), op.key(), LockLeaseOps.clientOf(op), mode, invoke[g], s[i + 1], "holder"));
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
