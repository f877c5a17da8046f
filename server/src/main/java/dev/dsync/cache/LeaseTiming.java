package dev.dsync.cache;

/**
 * Read-lease durations. A node's lease lasts {@code leaseMs} on its own clock from when it asked;
 * the leader, counting from when it granted, treats it as lasting {@link #leaderBoundMs}: stretched
 * by {@code driftPermille} for clocks that run at different rates, plus a millisecond of rounding.
 * Nodes renew every {@code renewEveryMs}, so a healthy node's lease never lapses.
 *
 * <p>Bound (checked by {@link #check}): {@code leaderBoundMs < electionTimeoutMinMs}. A lease
 * shorter than the shortest election timeout means that by the time a partitioned node could have
 * seen a new leader elected and writes acknowledged without it, its lease has run out; a new
 * leader still waits one {@link #leaderBoundMs} before trusting any holder's lease to be over
 * (see {@link InvalidationTracker}), because an old leader's grants may have outlived it.
 */
public record LeaseTiming(long leaseMs, long renewEveryMs, int driftPermille) {
    /**
     * The node defaults: 200 ms leases renewed every 100 ms (one late renewal does not let the lease
     * lapse), 5% drift allowance: bound 211 ms < 300 ms. Each renewal costs a ReadIndex round, so
     * the period is what an idle cache cluster spends its CPU on (about 5% of a core per node here).
     */
    public static final LeaseTiming DEFAULT = new LeaseTiming(200, 100, dev.dsync.lease.LeaseClockBounds.DRIFT_PERMILLE);

    public LeaseTiming {
        if (leaseMs < 1 || renewEveryMs < 1 || renewEveryMs >= leaseMs || driftPermille < 0) {
            throw new IllegalArgumentException("lease " + leaseMs + " ms must be positive and longer than its renewal period "
                    + renewEveryMs + " ms; drift " + driftPermille + "‰ must not be negative");
        }
    }

    public long leaderBoundMs() {
        return leaseMs + (leaseMs * driftPermille + 999) / 1000 + 1;
    }

    /** @throws IllegalArgumentException if leases could outlast the shortest election timeout */
    public LeaseTiming check(long electionTimeoutMinMs) {
        if (leaderBoundMs() >= electionTimeoutMinMs) {
            throw new IllegalArgumentException("read lease bound " + leaderBoundMs() + " ms must be shorter than the election timeout "
                    + electionTimeoutMinMs + " ms");
        }
        return this;
    }
}
