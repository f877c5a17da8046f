package dev.dsync.checker.model;

import dev.dsync.checker.CheckOptions;
import dev.dsync.checker.history.HistoryFormatException;
import dev.dsync.checker.history.Operation;
import dev.dsync.checker.history.Outcome;
import dev.dsync.checker.linear.KeyProblem;
import dev.dsync.checker.linear.ProblemBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compiles one key of a rw-lock history for the timed lease model ({@link TimedLockSpec}).
 *
 * <p>The key's operations are its acquires and releases plus refreshes from elsewhere (see
 * {@link LockLeaseOps#split}). Verdict-preserving reductions (off with {@code reductions=false},
 * to test them): info refreshes are dropped (with an unknown completion a refresh never extends a
 * lease, so it changes nothing), and so are refreshes that complete before their client's first
 * acquire of the key is invoked (the client holds nothing here then). Client bits are shared as
 * in the untimed model, with the timed narrowing described in {@link LockClientSlots}.
 */
final class TimedRwLock {
    private TimedRwLock() {
    }

    static KeyProblem compile(String key, List<Operation> ops, CheckOptions options) {
        double rho = options.rho();
        Map<String, Long> firstAcquire = new HashMap<>();
        List<Operation> own = new ArrayList<>();
        for (Operation op : ops) {
            if (op.outcome() == Outcome.FAIL || LockLeaseOps.isRefresh(op, key)) {
                continue;
            }
            if (!op.f().equals("acquire") && !op.f().equals("release")) {
                throw new HistoryFormatException(op.invokeLine(),
                        "model rw-lock has no operation '" + op.f() + "' (expected acquire, release, renew)");
            }
            own.add(op);
            if (op.f().equals("acquire")) {
                firstAcquire.merge(LockLeaseOps.clientOf(op), op.invokeIndex(), Math::min);
            }
        }
        List<Operation> candidates = new ArrayList<>();
        for (Operation op : ops) {
            if (op.outcome() == Outcome.FAIL) {
                continue;
            }
            if (LockLeaseOps.isRefresh(op, key)) {
                boolean useless = op.outcome() == Outcome.OK && !LockLeaseOps.renewedSomething(op);
                if (options.reductions()) {
                    Long first = firstAcquire.get(LockLeaseOps.clientOf(op));
                    useless |= op.outcome() != Outcome.OK || first == null || op.completeIndex() < first;
                }
                if (useless) {
                    continue;
                }
            }
            candidates.add(op);
        }
        LockClientSlots slots = new LockClientSlots(candidates, LockLeaseOps::clientOf, true,
                LockClientSlots.Timing.timed(list -> freeAfter(key, list, rho)));
        if (slots.slots() > RwLockModel.MAX_CLIENTS) {
            throw new HistoryFormatException(slots.ops.get(0).invokeLine(), "rw-lock supports at most "
                    + RwLockModel.MAX_CLIENTS + " clients per key whose holds may overlap in time; key " + key
                    + " has " + slots.slots());
        }
        Set<Long> reacquires = LockReacquires.find(own, LockLeaseOps::clientOf);
        TreeSet<Long> fences = new TreeSet<>();
        for (Operation op : slots.ops) {
            if (op.f().equals("acquire") && !LockLeaseOps.isRefresh(op, key) && op.outcome() == Outcome.OK
                    && !reacquires.contains(op.invokeIndex())) {
                long f = RwLockModel.fenceOf(op);
                if (f != Long.MIN_VALUE) {
                    fences.add(f);
                }
            }
        }
        if (fences.size() > RwLockModel.MAX_FENCES) {
            throw new HistoryFormatException(0, "rw-lock supports at most " + RwLockModel.MAX_FENCES + " fences per key");
        }
        Map<Long, Integer> fenceRank = new HashMap<>();
        List<Long> fenceByRank = new ArrayList<>();
        fenceByRank.add(null);
        for (long f : fences) {
            fenceRank.put(f, fenceByRank.size());
            fenceByRank.add(f);
        }
        int n = slots.ops.size();
        byte[] kind = new byte[n];
        int[] client = new int[n];
        int[] rank = new int[n];
        boolean[] clears = new boolean[n];
        long[] invoke = new long[n];
        long[] complete = new long[n];
        long[] lease = new long[n];
        ProblemBuilder b = new ProblemBuilder();
        for (int j = 0; j < n; j++) {
            Operation op = slots.ops.get(j);
            byte k;
            if (LockLeaseOps.isRefresh(op, key)) {
                k = TimedLockSpec.REFRESH;
            } else if (op.f().equals("release")) {
                k = TimedLockSpec.RELEASE;
            } else {
                boolean x = RwLockModel.mode(op, op.invokeValue()) == 'X';
                if (reacquires.contains(op.invokeIndex())) {
                    k = x ? TimedLockSpec.REACQUIRE_X : TimedLockSpec.REACQUIRE_S;
                } else {
                    k = x ? TimedLockSpec.ACQUIRE_X : TimedLockSpec.ACQUIRE_S;
                    long f = op.outcome() == Outcome.OK ? RwLockModel.fenceOf(op) : Long.MIN_VALUE;
                    rank[j] = f == Long.MIN_VALUE ? 0 : fenceRank.get(f);
                }
            }
            kind[j] = k;
            client[j] = slots.slotOf.get(j);
            clears[j] = slots.clearsSlot.get(j);
            invoke[j] = op.invokeTime();
            complete[j] = op.outcome() == Outcome.OK ? op.completeTime() : Long.MAX_VALUE;
            lease[j] = k == TimedLockSpec.RELEASE ? -1 : LockLeaseOps.surelyAliveNanos(op, rho);
            long ret = op.outcome() == Outcome.OK ? op.completeIndex() : Long.MAX_VALUE;
            // Optional twins: same kind, client and lease length; the earlier-invoked one is never worse.
            b.add(op, ret, k == TimedLockSpec.REFRESH ? null : List.of((long) k, (long) client[j], lease[j]));
        }
        List<String> clientNames = new ArrayList<>();
        slots.slotClients.forEach(names -> clientNames.add(String.join("/", names)));
        b.note(String.format(java.util.Locale.ROOT, "timed leases (rho %.3f): a hold may end without a release only once "
                + "its lease surely ran out (invoke of its last refresh + ttl_ms x (1 - rho))", rho));
        return b.build(key, new TimedLockSpec(List.copyOf(slots.ops), kind, client, rank, clears, invoke, complete, lease,
                clientNames, fenceByRank));
    }

    /**
     * For a client whose operations here are all ok and sequential: a time after which it surely
     * holds nothing on this key, so its bit may pass to a client whose first invoke is later.
     */
    private static long freeAfter(String key, List<Operation> list, double rho) {
        long end = list.get(list.size() - 1).completeTime();
        Operation lastOwn = null;
        for (Operation op : list) {
            if (!LockLeaseOps.isRefresh(op, key)) {
                lastOwn = op;
            }
        }
        if (lastOwn != null && lastOwn.f().equals("release")) {
            return end; // its final ok release ended its hold
        }
        long free = end;
        for (Operation op : list) {
            long l = op.f().equals("release") ? -1 : LockLeaseOps.surelyAliveNanos(op, rho);
            if (l >= 0) {
                free = Math.max(free, op.invokeTime() + l);
            }
        }
        return free;
    }
}
