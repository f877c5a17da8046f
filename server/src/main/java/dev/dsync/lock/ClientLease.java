package dev.dsync.lock;

import java.util.TreeSet;

/**
 * A client's lease and the keys it holds or waits for. A lease exists exactly while the client
 * holds or waits for at least one key; {@code held} and {@code waiting} mirror the key table.
 */
final class ClientLease {
    final String clientId;
    long deadlineMs;
    /** The ttl of the client's latest acquire; a Renew extends the lease by this much. */
    long ttlMs;
    final TreeSet<String> held = new TreeSet<>();
    final TreeSet<String> waiting = new TreeSet<>();

    ClientLease(String clientId, long deadlineMs, long ttlMs) {
        this.clientId = clientId;
        this.deadlineMs = deadlineMs;
        this.ttlMs = ttlMs;
    }

    boolean isIdle() {
        return held.isEmpty() && waiting.isEmpty();
    }
}
