package dev.dsync.lock;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks the lock table's invariants; throws {@link AssertionError} naming the first violation.
 * Meant for tests and for vetting restored snapshots: it walks the whole state.
 *
 * <ul>
 *   <li>Compatibility: a key's holders are all S, or one X.
 *   <li>Fences: every holder's fence is positive and at most the key's last fence; an X holder's
 *       fence is the key's last fence (nothing was granted on the key after it); holders' fences are
 *       distinct, and no key's last fence exceeds the highest fence ever issued.
 *   <li>Queue: empty unless the key has holders and its head cannot be granted now (otherwise a
 *       promotion was missed); each client queued at most once; a queued client that also holds the
 *       key holds S, asks X (an upgrade) and is the head.
 *   <li>Leases: a client has a lease exactly while it holds or waits; its held/waiting indexes match
 *       the key table; ttl is positive; no idle key is kept.
 *   <li>Deadlock freedom: the wait-for graph has no cycle.
 * </ul>
 */
public final class LockInvariants {
    private LockInvariants() {}

    public static void check(LockStateMachine sm) {
        check(sm.table());
    }

    static void check(LockTable table) {
        Map<String, ClientLease> clients = table.clients;
        Set<String> heldPairs = new TreeSet<>();
        Set<String> waitingPairs = new TreeSet<>();
        for (var entry : table.keys.entrySet()) {
            KeyLock lock = entry.getValue();
            String key = entry.getKey();
            require(key.equals(lock.key), key, "key table entry names another key " + lock.key);
            require(!lock.isIdle(), key, "idle key kept");
            checkHolders(key, lock);
            require(lock.lastFence <= table.lastIssuedFence, key,
                    "last fence " + lock.lastFence + " above the highest fence issued " + table.lastIssuedFence);
            checkQueue(key, lock);
            for (String id : lock.holders.keySet()) {
                require(clients.containsKey(id), key, "holder " + id + " has no lease");
                heldPairs.add(id + "\u0000" + key);
            }
            for (KeyLock.Waiter w : lock.queue) {
                require(clients.containsKey(w.clientId()), key, "waiter " + w.clientId() + " has no lease");
                waitingPairs.add(w.clientId() + "\u0000" + key);
            }
        }
        Set<String> indexedHeld = new TreeSet<>();
        Set<String> indexedWaiting = new TreeSet<>();
        for (var entry : clients.entrySet()) {
            ClientLease lease = entry.getValue();
            String id = entry.getKey();
            require(id.equals(lease.clientId), id, "lease table entry names another client " + lease.clientId);
            require(!lease.isIdle(), id, "lease kept for a client that neither holds nor waits");
            require(lease.ttlMs > 0, id, "non-positive ttl " + lease.ttlMs);
            lease.held.forEach(k -> indexedHeld.add(id + "\u0000" + k));
            lease.waiting.forEach(k -> indexedWaiting.add(id + "\u0000" + k));
        }
        require(heldPairs.equals(indexedHeld), "*", "client held-index differs from the key table");
        require(waitingPairs.equals(indexedWaiting), "*", "client waiting-index differs from the key table");
        List<String> cycle = WaitForGraph.anyCycle(clients.keySet(), table::waitsFor);
        require(cycle.isEmpty(), "*", "wait-for cycle (an undetected deadlock) " + cycle);
    }

    private static void checkHolders(String key, KeyLock lock) {
        long exclusive = lock.holders.values().stream().filter(h -> h.mode() == LockMode.X).count();
        require(exclusive == 0 || lock.holders.size() == 1, key,
                "X holder shares the key with other holders " + lock.holders.keySet());
        lock.holders.forEach((id, h) -> {
            require(h.fence() > 0, key, "holder " + id + " has non-positive fence " + h.fence());
            require(h.fence() <= lock.lastFence, key,
                    "holder " + id + " fence " + h.fence() + " above last fence " + lock.lastFence);
            require(h.mode() == LockMode.S || h.fence() == lock.lastFence, key,
                    "X holder " + id + " fence " + h.fence() + " is not the last fence " + lock.lastFence);
        });
        long distinct = lock.holders.values().stream().mapToLong(KeyLock.Holder::fence).distinct().count();
        require(distinct == lock.holders.size(), key, "two holders share a fence: " + lock.holders);
    }

    private static void checkQueue(String key, KeyLock lock) {
        if (lock.queue.isEmpty()) {
            return;
        }
        require(!lock.holders.isEmpty(), key, "waiters queued on a key nobody holds");
        KeyLock.Waiter head = lock.queue.get(0);
        require(!lock.fitsHolders(head.clientId(), head.mode()), key,
                "head waiter " + head.clientId() + " is grantable but was not promoted");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < lock.queue.size(); i++) {
            KeyLock.Waiter w = lock.queue.get(i);
            require(seen.add(w.clientId()), key, "client " + w.clientId() + " queued twice");
            KeyLock.Holder held = lock.holders.get(w.clientId());
            if (held != null) {
                require(held.mode() == LockMode.S && w.mode() == LockMode.X, key,
                        "holder " + w.clientId() + " queued for a mode it already has");
                require(i == 0, key, "pending upgrade of " + w.clientId() + " is not at the head");
            }
        }
    }

    private static void require(boolean ok, String where, String violation) {
        if (!ok) {
            throw new AssertionError("lock invariant violated at " + where + ": " + violation);
        }
    }
}
