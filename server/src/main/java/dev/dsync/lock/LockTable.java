package dev.dsync.lock;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The lock service's replicated state and the primitive edits on it. Every edit keeps the key table
 * and the per-client indexes ({@link ClientLease#held}, {@link ClientLease#waiting}) in step; the
 * command semantics live in {@link LockStateMachine}.
 *
 * <p>Fences come from one counter for all keys, {@link #issueFence}: every grant gets its own,
 * strictly greater than any before it, so S holders granted together still have distinct fences.
 * Idle keys and idle clients are forgotten, so memory tracks live locks only; forgetting a key's
 * last fence is safe because the counter keeps growing across all keys.
 */
final class LockTable {
    /** Sorted maps: every iteration that feeds an output or the snapshot is deterministic. */
    final TreeMap<String, KeyLock> keys = new TreeMap<>();
    final TreeMap<String, ClientLease> clients = new TreeMap<>();
    /** The highest command time seen; the state machine's clock, never going backwards. */
    long clockMs;
    /** The log index of the command being applied; not replicated state (set by every apply). */
    long applyingIndex;
    long expiredTotal;
    long deadlocksTotal;
    /** The highest fence ever granted, on any key. */
    long lastIssuedFence;

    /**
     * The fence for a grant made by the command at log index {@code commandIndex}: that index where
     * possible, so fences read like log positions, but always above every fence issued before.
     */
    long issueFence(long commandIndex) {
        lastIssuedFence = Math.max(lastIssuedFence + 1, commandIndex);
        return lastIssuedFence;
    }

    KeyLock lockOf(String key) {
        return keys.computeIfAbsent(key, KeyLock::new);
    }

    /** The client's lease, created with a fresh deadline if it had none. */
    ClientLease leaseOf(String clientId, long ttlMs) {
        return clients.computeIfAbsent(clientId, id -> new ClientLease(id, clockMs + ttlMs, ttlMs, applyingIndex));
    }

    void refresh(ClientLease lease, long ttlMs) {
        lease.ttlMs = ttlMs;
        lease.deadlineMs = clockMs + ttlMs;
        lease.refreshIndex = applyingIndex;
    }

    /** Makes the client (which must have a lease) a holder; replaces an S hold on upgrade. */
    LockGrant hold(KeyLock lock, String clientId, LockMode mode, long fence) {
        ClientLease lease = clients.get(clientId);
        lock.holders.put(clientId, new KeyLock.Holder(mode, fence));
        lock.lastFence = Math.max(lock.lastFence, fence);
        lease.held.add(lock.key);
        return new LockGrant(lock.key, clientId, mode, fence, lease.deadlineMs);
    }

    void unhold(KeyLock lock, String clientId) {
        if (lock.holders.remove(clientId) != null) {
            clients.get(clientId).held.remove(lock.key);
        }
    }

    /** Queues a request: at the tail, or at the head for an upgrade (which goes ahead of everyone). */
    void enqueue(KeyLock lock, KeyLock.Waiter waiter, boolean atHead) {
        lock.queue.add(atHead ? 0 : lock.queue.size(), waiter);
        clients.get(waiter.clientId()).waiting.add(lock.key);
    }

    /** Removes the client's queued request, if any; the caller promotes what that unblocks. */
    boolean dequeue(KeyLock lock, String clientId) {
        boolean removed = lock.queue.removeIf(w -> w.clientId().equals(clientId));
        if (removed) {
            clients.get(clientId).waiting.remove(lock.key);
        }
        return removed;
    }

    /**
     * Grants from the head of the queue while the head fits the holders: a run of S requests is
     * granted together, an X request or a pending upgrade only when it is alone. Each grant gets a
     * new fence from {@code commandIndex}, the index of the command that unblocked them.
     */
    List<LockGrant> promote(KeyLock lock, long commandIndex) {
        List<LockGrant> grants = new ArrayList<>();
        while (!lock.queue.isEmpty()) {
            KeyLock.Waiter head = lock.queue.get(0);
            if (!lock.fitsHolders(head.clientId(), head.mode())) {
                break;
            }
            dequeue(lock, head.clientId());
            grants.add(hold(lock, head.clientId(), head.mode(), issueFence(commandIndex)));
        }
        return grants;
    }

    void forgetIfIdle(KeyLock lock) {
        if (lock.isIdle()) {
            keys.remove(lock.key);
        }
    }

    void forgetIfIdle(String clientId) {
        ClientLease lease = clients.get(clientId);
        if (lease != null && lease.isIdle()) {
            clients.remove(clientId);
        }
    }

    /** Wait-for edges out of a client: the blockers of each of its queued requests, by key order. */
    List<String> waitsFor(String clientId) {
        ClientLease lease = clients.get(clientId);
        if (lease == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String key : lease.waiting) {
            out.addAll(keys.get(key).blockersOf(clientId));
        }
        return out;
    }
}
