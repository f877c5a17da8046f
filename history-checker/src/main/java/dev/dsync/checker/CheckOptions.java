package dev.dsync.checker;

import java.time.Duration;

/**
 * Options for {@link Checker#check}.
 *
 * @param timeLimit    wall-clock limit for the whole check; past it, unfinished keys are {@code unknown}
 * @param threads      worker threads for checking keys in parallel (at least 1)
 * @param memoryBudget bytes the search memo tables may use in total; past it a key is {@code unknown}
 * @param leaseExpiry  rw-lock: a conflicting acquire may be explained by the holder's lease
 *                     having expired (see docs/checker.md); false makes the lock model strict
 * @param leaseModel   rw-lock: when a lease may expire (timed or untimed; auto decides from the history)
 * @param rho          timed rw-lock: clock drift allowance; a lease of ttl surely lasts ttl x (1 - rho)
 * @param reductions   apply the model's verdict-preserving reductions of info operations
 *                     (off only for testing the reductions themselves)
 * @param progress     receives counters while the check runs; may be null
 */
public record CheckOptions(Duration timeLimit, int threads, long memoryBudget, boolean leaseExpiry,
                           LeaseModel leaseModel, double rho, boolean reductions, Progress progress) {

    /** The servers' drift allowance: a lease of ttl is kept at least ttl x 0.95 of real time. */
    public static final double DEFAULT_RHO = 0.05;

    public CheckOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        if (timeLimit.isNegative() || timeLimit.isZero()) {
            throw new IllegalArgumentException("time limit must be positive");
        }
        if (!(rho >= 0 && rho < 1)) {
            throw new IllegalArgumentException("rho must be at least 0 and below 1, got " + rho);
        }
    }

    /**
     * 60 s, all cores, a quarter of the heap for memo tables, lease expiry allowed (timed when
     * the history has ttl_ms, rho 0.05), reductions on.
     */
    public static CheckOptions defaults() {
        return new CheckOptions(Duration.ofSeconds(60), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() / 4, true, LeaseModel.AUTO, DEFAULT_RHO, true, null);
    }

    public CheckOptions withTimeLimit(Duration d) {
        return new CheckOptions(d, threads, memoryBudget, leaseExpiry, leaseModel, rho, reductions, progress);
    }

    public CheckOptions withThreads(int n) {
        return new CheckOptions(timeLimit, n, memoryBudget, leaseExpiry, leaseModel, rho, reductions, progress);
    }

    public CheckOptions withMemoryBudget(long bytes) {
        return new CheckOptions(timeLimit, threads, bytes, leaseExpiry, leaseModel, rho, reductions, progress);
    }

    public CheckOptions withLeaseExpiry(boolean allowed) {
        return new CheckOptions(timeLimit, threads, memoryBudget, allowed, leaseModel, rho, reductions, progress);
    }

    public CheckOptions withLeaseModel(LeaseModel m) {
        return new CheckOptions(timeLimit, threads, memoryBudget, leaseExpiry, m, rho, reductions, progress);
    }

    public CheckOptions withRho(double r) {
        return new CheckOptions(timeLimit, threads, memoryBudget, leaseExpiry, leaseModel, r, reductions, progress);
    }

    public CheckOptions withReductions(boolean on) {
        return new CheckOptions(timeLimit, threads, memoryBudget, leaseExpiry, leaseModel, rho, on, progress);
    }

    public CheckOptions withProgress(Progress p) {
        return new CheckOptions(timeLimit, threads, memoryBudget, leaseExpiry, leaseModel, rho, reductions, p);
    }

    /** True when the rw-lock model is to use the timed semantics (AUTO must have been resolved). */
    public boolean timedLeases() {
        return leaseExpiry && leaseModel == LeaseModel.TIMED;
    }
}
