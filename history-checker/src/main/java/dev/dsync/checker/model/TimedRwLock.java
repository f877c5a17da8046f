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
 * acquire of the key is invoked (the client holds nothing here then). Unlike the untimed model,
 * clients do not share holder bits: states list the current holders, so any number of clients fits.
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
        List<Operation> kept = withoutTrailingInfoAcquires(key, candidates);
        Map<String, Integer> clientIndex = new java.util.LinkedHashMap<>();
        kept.forEach(op -> clientIndex.putIfAbsent(LockLeaseOps.clientOf(op), clientIndex.size()));
        Set<Long> reacquires = LockReacquires.find(own, LockLeaseOps::clientOf, key);
        TreeSet<Long> fences = new TreeSet<>();
        for (Operation op : kept) {
            if (op.f().equals("acquire") && !LockLeaseOps.isRefresh(op, key) && op.outcome() == Outcome.OK
                    && !reacquires.contains(op.invokeIndex())) {
                long f = RwLockModel.fenceOf(op);
                if (f != Long.MIN_VALUE) {
                    fences.add(f);
                }
            }
        }
        FenceRanks ranks = FenceRanks.of(fences);
        Map<Long, Integer> fenceRank = ranks.rankOf();
        List<Long> fenceByRank = ranks.fenceByRank();
        int n = kept.size();
        byte[] kind = new byte[n];
        int[] client = new int[n];
        int[] rank = new int[n];
        long[] invoke = new long[n];
        long[] complete = new long[n];
        long[] lease = new long[n];
        ProblemBuilder b = new ProblemBuilder();
        for (int j = 0; j < n; j++) {
            Operation op = kept.get(j);
            byte k;
            if (LockLeaseOps.isRefresh(op, key)) {
                k = TimedLockSpec.REFRESH;
            } else if (op.f().equals("release")) {
                k = LockLeaseOps.withdrew(op) ? TimedLockSpec.WITHDRAW : TimedLockSpec.RELEASE;
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
            client[j] = clientIndex.get(LockLeaseOps.clientOf(op));
            invoke[j] = op.invokeTime();
            complete[j] = op.outcome() == Outcome.OK ? op.completeTime() : Long.MAX_VALUE;
            lease[j] = op.f().equals("release") ? -1 : LockLeaseOps.surelyAliveNanos(op, rho);
            long ret = op.outcome() == Outcome.OK ? op.completeIndex() : Long.MAX_VALUE;
            // Optional twins: same kind, client and lease length; the earlier-invoked one is never worse.
            b.add(op, ret, k == TimedLockSpec.REFRESH ? null : List.of((long) k, (long) client[j], lease[j]));
        }
        List<String> clientNames = new ArrayList<>(clientIndex.keySet());
        b.note(String.format(java.util.Locale.ROOT, "timed leases (rho %.3f): a hold may end without a release only once "
                + "its lease surely ran out (invoke of its last refresh + ttl_ms x (1 - rho))", rho));
        return b.build(key, new TimedLockSpec(List.copyOf(kept), kind, client, rank, invoke, complete, lease,
                clientNames, fenceByRank));
    }

    /**
     * Leaves out each client's acquires of this key with unknown outcome invoked after the
     * client's last ok operation completed. Had one taken effect, it could only have added a hold
     * (a constraint on everyone else) or evicted holders that any later conflicting acquire, at a
     * time no earlier, could evict as well; so "it did not happen" is never worse. Unknown
     * releases stay: one may be what let a later acquire in before the lease ran out.
     */
    private static List<Operation> withoutTrailingInfoAcquires(String key, List<Operation> ops) {
        Map<String, Long> lastOkComplete = new HashMap<>();
        for (Operation op : ops) {
            if (op.outcome() == Outcome.OK) {
                lastOkComplete.merge(LockLeaseOps.clientOf(op), op.completeIndex(), Math::max);
            }
        }
        List<Operation> kept = new ArrayList<>();
        for (Operation op : ops) {
            boolean trailingAcquire = op.outcome() == Outcome.INFO && op.f().equals("acquire") && !LockLeaseOps.isRefresh(op, key)
                    && op.invokeIndex() > lastOkComplete.getOrDefault(LockLeaseOps.clientOf(op), Long.MIN_VALUE);
            if (!trailingAcquire) {
                kept.add(op);
            }
        }
        return kept;
    }
}
