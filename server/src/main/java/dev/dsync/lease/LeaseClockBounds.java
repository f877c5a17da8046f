package dev.dsync.lease;

/**
 * The clock bounds every lease in the server (lock leases, queue visibility timeouts, cache read
 * leases) is correct under, documented in docs/architecture.md ("Clocks"):
 *
 * <ul>
 *   <li>Each node's monotonic clock ({@code System.nanoTime}) runs within {@link #DRIFT_PERMILLE}
 *       per mille of real time and never steps.
 *   <li>Wall clocks ({@code System.currentTimeMillis}) may be offset from each other and step by any
 *       amount: no safety decision compares them. They only stamp informational fields
 *       ({@code expires_at_ms}, {@code visible_at_ms}) and nack delays.
 * </ul>
 */
public final class LeaseClockBounds {
    /** 5 %: the rate error a lease holder's or leader's monotonic clock may have. */
    public static final int DRIFT_PERMILLE = 50;

    private LeaseClockBounds() {}
}
