package dev.dsync.lock;

import java.util.TreeSet;

/**
 * A client's lease and the keys it holds or waits for. A lease exists exactly while the client
 * holds or waits for at least one key; {@code held} and {@code waiting} mirror the key table.
 */
final class ClientLease {
    final String clientId;
    /** Informational (reported as expires_at_ms): command time + ttl, on the clock of whichever leader stamped it. */
    long deadlineMs;
    /** The ttl of the client's latest acquire; a Renew extends the lease by this much. */
    long ttlMs;
    /**
     * The log index of the command that last set the deadline (acquire, renew): changes on every
     * refresh, so the leader's countdown for this lease ({@code LeaderCountdowns}) knows when to
     * start again, and an expiry proposed for an older refresh is recognised as stale.
     */
    long refreshIndex;
    final TreeSet<String> held = new TreeSet<>();
    final TreeSet<String> waiting = new TreeSet<>();

    ClientLease(String clientId, long deadlineMs, long ttlMs, long refreshIndex) {
        this.clientId = clientId;
        this.deadlineMs = deadlineMs;
        this.ttlMs = ttlMs;
        this.refreshIndex = refreshIndex;
    }

    boolean isIdle() {
        return held.isEmpty() && waiting.isEmpty();
    }
}
