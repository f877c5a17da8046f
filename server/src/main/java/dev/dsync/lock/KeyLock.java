package dev.dsync.lock;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * One key's lock: its holders, its FIFO wait queue and the highest fence granted on it.
 *
 * <p>Invariants (checked by {@link LockInvariants}): holders are all S or a single X; the queue is
 * empty unless its head cannot be granted right now; a client appears at most once in the queue;
 * a queued client that also holds the key is an S holder waiting to upgrade, and is the head.
 */
final class KeyLock {
    record Holder(LockMode mode, long fence) {}

    record Waiter(String clientId, LockMode mode) {}

    final String key;
    /** Insertion ordered, so status listings and 409 bodies are deterministic. */
    final LinkedHashMap<String, Holder> holders = new LinkedHashMap<>();
    final List<Waiter> queue = new ArrayList<>();
    long lastFence;

    KeyLock(String key) {
        this.key = key;
    }

    boolean isIdle() {
        return holders.isEmpty() && queue.isEmpty();
    }

    /** 1-based position of the client's queued request, or 0 if it has none. */
    int positionOf(String clientId) {
        for (int i = 0; i < queue.size(); i++) {
            if (queue.get(i).clientId().equals(clientId)) {
                return i + 1;
            }
        }
        return 0;
    }

    /** Whether {@code mode} for {@code clientId} fits with every holder other than the client itself. */
    boolean fitsHolders(String clientId, LockMode mode) {
        for (var holder : holders.entrySet()) {
            if (!holder.getKey().equals(clientId) && !mode.compatibleWith(holder.getValue().mode())) {
                return false;
            }
        }
        return true;
    }

    /** A newcomer is granted at once only if nobody waits (FIFO: no overtaking) and it fits. */
    boolean grantableNow(String clientId, LockMode mode) {
        return queue.isEmpty() && fitsHolders(clientId, mode);
    }

    List<String> holderIdsExcept(String clientId) {
        List<String> ids = new ArrayList<>(holders.size());
        for (String id : holders.keySet()) {
            if (!id.equals(clientId)) {
                ids.add(id);
            }
        }
        return ids;
    }

    /**
     * The clients the queued request of {@code clientId} waits for (its wait-for edges): holders
     * whose mode conflicts with it, then earlier waiters whose mode conflicts with it. An S request
     * behind an X request waits for that X request (FIFO), but not for S requests ahead, since a run
     * of S requests is granted together.
     */
    List<String> blockersOf(String clientId) {
        int position = positionOf(clientId);
        if (position == 0) {
            return List.of();
        }
        LockMode mode = queue.get(position - 1).mode();
        LinkedHashSet<String> blockers = new LinkedHashSet<>();
        holders.forEach((id, holder) -> {
            if (!id.equals(clientId) && !mode.compatibleWith(holder.mode())) {
                blockers.add(id);
            }
        });
        for (Waiter ahead : queue.subList(0, position - 1)) {
            if (!mode.compatibleWith(ahead.mode())) {
                blockers.add(ahead.clientId());
            }
        }
        return List.copyOf(blockers);
    }
}
