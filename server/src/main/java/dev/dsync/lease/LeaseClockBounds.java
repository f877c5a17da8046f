package dev.dsync.lease;

/**
 * The clock bounds every lease in the server (lock leases, queue visibility timeouts, cache read
 * leases) is correct under, documented in docs/architecture.md ("Clocks"):
 *
 * <ul>
 *   <li>Each node's monotonic clock ({@code System.nanoTime}) runs within {@link #RATE_ERROR_PERMILLE}
 *       per mille of real time and never steps.
 *   <li>Wall clocks ({@code System.currentTimeMillis}) may be offset from each other and step by any
 *       amount: no safety decision compares them. They only stamp informational fields
 *       ({@code expires_at_ms}, {@code visible_at_ms}) and time nack delays.
 * </ul>
 *
 * <p>What relies on it: a cache node's 200 ms read lease against the leader's 211 ms wait (5 % + 1 ms,
 * {@code cache.LeaseTiming}) holds for a node clock 2.5 % slow and a leader clock 2.5 % fast:
 * 200 / 0.975 = 205.2 ms of real time, 211 / 1.025 = 205.9 ms. A lock or queue leader stretches a
 * ttl by {@link #DRIFT_PERMILLE} ({@link LeaderCountdowns}), twice what a leader clock 2.5 % fast needs.
 */
public final class LeaseClockBounds {
    /** 2.5 %: how far any node's monotonic clock may run from real time. */
    public static final int RATE_ERROR_PERMILLE = 25;
    /** 5 %: the allowance leases are stretched by, covering two clocks each {@link #RATE_ERROR_PERMILLE} off. */
    public static final int DRIFT_PERMILLE = 50;

    private LeaseClockBounds() {}
}
