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
 * @param reductions   apply the model's verdict-preserving reductions of info operations
 *                     (off only for testing the reductions themselves)
 * @param progress     receives counters while the check runs; may be null
 */
public record CheckOptions(Duration timeLimit, int threads, long memoryBudget, boolean leaseExpiry,
                           boolean reductions, Progress progress) {

    public CheckOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        if (timeLimit.isNegative() || timeLimit.isZero()) {
            throw new IllegalArgumentException("time limit must be positive");
        }
    }

    /** 60 s, all cores, a quarter of the heap for memo tables, lease expiry allowed, reductions on. */
    public static CheckOptions defaults() {
        return new CheckOptions(Duration.ofSeconds(60), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() / 4, true, true, null);
    }

    public CheckOptions withTimeLimit(Duration d) {
        return new CheckOptions(d, threads, memoryBudget, leaseExpiry, reductions, progress);
    }

    public CheckOptions withThreads(int n) {
        return new CheckOptions(timeLimit, n, memoryBudget, leaseExpiry, reductions, progress);
    }

    public CheckOptions withMemoryBudget(long bytes) {
        return new CheckOptions(timeLimit, threads, bytes, leaseExpiry, reductions, progress);
    }

    public CheckOptions withLeaseExpiry(boolean allowed) {
        return new CheckOptions(timeLimit, threads, memoryBudget, allowed, reductions, progress);
    }

    public CheckOptions withReductions(boolean on) {
        return new CheckOptions(timeLimit, threads, memoryBudget, leaseExpiry, on, progress);
    }

    public CheckOptions withProgress(Progress p) {
        return new CheckOptions(timeLimit, threads, memoryBudget, leaseExpiry, reductions, p);
    }
}
