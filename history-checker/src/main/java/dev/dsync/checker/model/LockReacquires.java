package dev.dsync.checker.model;

import dev.dsync.checker.history.Operation;
import dev.dsync.checker.history.Outcome;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Finds the idempotent re-acquires in one key's rw-lock history. A lock service may answer an
 * acquire by a client that already holds the lock with the grant it already has, fence and all
 * (dsync's lock service does). Such an answer is no new grant, so it must not be held to "every
 * fence is greater than all before it".
 *
 * <p>Definition: an ok acquire by client c is a re-acquire when it reports the same fence as c's
 * previous ok acquire on the key, c has no ok release between the two, the two and everything of c
 * between them are sequential (each invoked after everything before it completed; an overlap
 * starts the search afresh), and no operation of c up to it has an unknown outcome (which could
 * take effect at any later time). A re-acquire is valid iff c holds the lock, in
 * X or asking only S, and it changes nothing. Shared with the brute-force reference model, so both
 * judge re-acquires by the same definition.
 */
public final class LockReacquires {
    private LockReacquires() {}

    /** The invoke indexes of the re-acquires among {@code ops}. */
    public static Set<Long> find(List<Operation> ops, Function<Operation, String> clientOf, String key) {
        Map<String, List<Operation>> byClient = new LinkedHashMap<>();
        for (Operation op : ops) {
            // Renewals, another key's operations (they refresh leases, the timed model lists them) and
            // withdrawals of a queued request (sent from a helper process while the client waits)
            // change no grant of this key, so they neither make nor break a re-acquire.
            if (op.f().equals("renew") || !java.util.Objects.equals(op.key(), key) || LockLeaseOps.withdrew(op)) {
                continue;
            }
            byClient.computeIfAbsent(clientOf.apply(op), c -> new ArrayList<>()).add(op);
        }
        Set<Long> found = new HashSet<>();
        for (List<Operation> list : byClient.values()) {
            List<Operation> sorted = new ArrayList<>(list);
            sorted.sort((a, b) -> Long.compare(a.invokeIndex(), b.invokeIndex()));
            Long lastFence = null;
            long previousComplete = Long.MIN_VALUE;
            for (Operation op : sorted) {
                if (op.outcome() == Outcome.INFO) {
                    break; // may take effect at any later time: no more re-acquires for this client
                }
                boolean overlaps = op.invokeIndex() <= previousComplete;
                previousComplete = Math.max(previousComplete, op.completeIndex());
                if (overlaps) {
                    lastFence = null; // the order of overlapping operations is unknown: start afresh
                    continue;
                }
                if (op.outcome() != Outcome.OK) {
                    continue;
                }
                if (op.f().equals("release")) {
                    lastFence = null;
                } else if (op.f().equals("acquire")) {
                    Long fence = fenceOf(op);
                    if (fence != null && fence.equals(lastFence)) {
                        found.add(op.invokeIndex());
                    } else {
                        lastFence = fence;
                    }
                }
            }
        }
        return found;
    }

    private static Long fenceOf(Operation op) {
        var r = op.resultValue();
        var f = r != null && r.isObject() ? r.get("fence") : r;
        return f != null && f.isIntegralNumber() ? f.longValue() : null;
    }
}
