package dev.dsync.checker.model;

import dev.dsync.checker.history.Operation;
import dev.dsync.checker.history.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Function;

/**
 * Maps the clients of one rw-lock key onto the holder bits of the model's state, so long chaos
 * runs (where every unknown outcome retires a client identity, as in Jepsen) fit in 43 bits.
 * Only used when lease expiry is allowed, because both steps below lean on it:
 *
 * <ol>
 *   <li>An info operation invoked after its client's last ok operation completed is dropped. Had it taken
 *       effect, it could only have added a hold that any conflicting acquire evicts anyway, or
 *       evicted others; it never makes an otherwise invalid history valid, so leaving it out
 *       (the choice "it did not happen") preserves the verdict.</li>
 *   <li>A client whose remaining operations are all ok and strictly sequential lives in the
 *       window from its first invoke to its last completion. Clients with disjoint windows share
 *       a bit: every operation of the earlier one linearizes before the later one's first
 *       operation, which clears the bit first — the earlier client's leftover hold expiring.</li>
 * </ol>
 * Any other client keeps a bit of its own.
 */
final class LockClientSlots {
    /** The operations to check, in their original order. */
    final List<Operation> ops = new ArrayList<>();
    /** Per kept operation: its client's bit. */
    final List<Integer> slotOf = new ArrayList<>();
    /** Per kept operation: true if it is the first of a client that took over a used bit. */
    final List<Boolean> clearsSlot = new ArrayList<>();
    /** Per bit: the clients that used it, in order, for reports. */
    final List<List<String>> slotClients = new ArrayList<>();

    LockClientSlots(List<Operation> candidates, Function<Operation, String> clientOf, boolean expiry) {
        Map<String, List<Operation>> byClient = new LinkedHashMap<>();
        for (Operation op : candidates) {
            byClient.computeIfAbsent(clientOf.apply(op), c -> new ArrayList<>()).add(op);
        }
        Map<String, List<Operation>> keptByClient = new LinkedHashMap<>();
        byClient.forEach((client, list) -> keptByClient.put(client, expiry ? withoutTrailingInfo(list) : list));

        Map<String, Integer> slotOfClient = new HashMap<>();
        Map<String, Boolean> reusesSlot = new HashMap<>();
        // Shareable clients in order of first invoke; a slot is free again once its last occupant's window closed.
        PriorityQueue<long[]> freeAt = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0])); // {window end, slot}
        List<Map.Entry<String, List<Operation>>> ordered = new ArrayList<>(keptByClient.entrySet());
        ordered.removeIf(e -> e.getValue().isEmpty());
        ordered.sort((a, b) -> Long.compare(a.getValue().get(0).invokeIndex(), b.getValue().get(0).invokeIndex()));
        for (Map.Entry<String, List<Operation>> e : ordered) {
            List<Operation> list = e.getValue();
            long start = list.get(0).invokeIndex();
            boolean shareable = expiry && sequentialAndOk(list);
            int slot;
            if (shareable && !freeAt.isEmpty() && freeAt.peek()[0] < start) {
                slot = (int) freeAt.poll()[1];
                reusesSlot.put(e.getKey(), true);
                slotClients.get(slot).add(e.getKey());
            } else {
                slot = slotClients.size();
                slotClients.add(new ArrayList<>(List.of(e.getKey())));
            }
            slotOfClient.put(e.getKey(), slot);
            if (shareable) {
                freeAt.add(new long[] {list.get(list.size() - 1).completeIndex(), slot});
            }
        }
        java.util.Set<Long> keptInvokes = new java.util.HashSet<>();
        keptByClient.values().forEach(list -> list.forEach(op -> keptInvokes.add(op.invokeIndex())));
        Map<String, Boolean> seen = new HashMap<>();
        for (Operation op : candidates) {
            String client = clientOf.apply(op);
            if (!keptInvokes.contains(op.invokeIndex())) {
                continue;
            }
            ops.add(op);
            slotOf.add(slotOfClient.get(client));
            clearsSlot.add(reusesSlot.getOrDefault(client, false) && seen.put(client, true) == null);
        }
    }

    int slots() {
        return slotClients.size();
    }

    /**
     * The client's operations without the info operations invoked after its last ok operation
     * completed: nothing of this client can depend on them. (An info op invoked earlier may be
     * what makes a later ok release possible, so it stays.)
     */
    private static List<Operation> withoutTrailingInfo(List<Operation> list) {
        long lastOkComplete = Long.MIN_VALUE;
        for (Operation op : list) {
            if (op.outcome() == Outcome.OK) {
                lastOkComplete = Math.max(lastOkComplete, op.completeIndex());
            }
        }
        List<Operation> kept = new ArrayList<>();
        for (Operation op : list) {
            if (op.outcome() != Outcome.INFO || op.invokeIndex() < lastOkComplete) {
                kept.add(op);
            }
        }
        return kept;
    }

    private static boolean sequentialAndOk(List<Operation> list) {
        long previousComplete = Long.MIN_VALUE;
        for (Operation op : list) {
            if (op.outcome() != Outcome.OK || op.invokeIndex() <= previousComplete) {
                return false;
            }
            previousComplete = op.completeIndex();
        }
        return true;
    }
}
