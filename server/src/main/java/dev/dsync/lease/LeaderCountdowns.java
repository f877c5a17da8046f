package dev.dsync.lease;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The leader's view of how long each lease has run, measured on the leader's own monotonic clock,
 * never by comparing wall-clock deadlines stamped by some other node. Pure: time comes in as
 * {@code nowMs}, the caller's monotonic milliseconds.
 *
 * <p>A lease is identified by a key (a client, a message) and a version that changes whenever the
 * lease is refreshed (the log index of the refreshing command, a delivery count). The countdown of a
 * version starts when the leader first observes it, which is after the refresh was applied and so
 * after the client sent it. A leader that takes over has observed nothing yet, so it starts every
 * countdown afresh: it cannot know how much of a lease ran on its predecessor's clock, and waiting
 * the whole lease again is never unsafe, only later. Entries kept across a loss and regain of
 * leadership stay valid: each is a measurement on this node's clock since a refresh it saw applied.
 *
 * <p>Invariant: {@link #runOut} is true only after at least {@link #stretchedMs} of this node's
 * monotonic time since the observation. With that clock's rate within {@code driftPermille} of
 * real time, that is at least {@code ttlMs} of real time since the client sent the refresh.
 */
public final class LeaderCountdowns<K> {
    private record Started(long version, long atMs) {}

    private final int driftPermille;
    private final Map<K, Started> started = new HashMap<>();

    public LeaderCountdowns(int driftPermille) {
        if (driftPermille < 0) {
            throw new IllegalArgumentException("drift must not be negative: " + driftPermille);
        }
        this.driftPermille = driftPermille;
    }

    /** The leader's wait for a lease of {@code ttlMs}: stretched for a fast clock, plus a millisecond of rounding. */
    public long stretchedMs(long ttlMs) {
        return ttlMs + (ttlMs * driftPermille + 999) / 1000 + 1;
    }

    /**
     * Whether the lease {@code key} at {@code version} has surely run out at {@code nowMs}. The first
     * call for a version starts its countdown and answers false.
     */
    public boolean runOut(K key, long version, long ttlMs, long nowMs) {
        Started s = started.get(key);
        if (s == null || s.version() != version) {
            started.put(key, new Started(version, nowMs));
            return false;
        }
        return nowMs - s.atMs() >= stretchedMs(ttlMs);
    }

    /** Forgets leases that no longer exist, so memory tracks live leases only. */
    public void retainOnly(Set<K> live) {
        started.keySet().retainAll(live);
    }

    public int tracked() {
        return started.size();
    }
}
