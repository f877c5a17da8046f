package dev.dsync.chaos.workload;

import dev.dsync.chaos.cluster.Cluster;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted lock workload for the clock self-test: in each round one client takes X on a key and
 * walks away without renewing or releasing, and a second client at once asks for X on the same key,
 * willing to wait long enough for the first lease to run out. A server whose leases last their ttl
 * grants the second only after the first lease surely ended; one whose leader's clock runs fast
 * grants it early, which the timed rw-lock model must call a violation. Recorded through the same
 * sessions as {@link LockWorkload}, so the history is the bench's own.
 */
public final class LapseThenTakeOver implements Workload {
    private final long ttlMs;
    private final LockStats stats = new LockStats();

    public LapseThenTakeOver(long ttlMs) {
        this.ttlMs = ttlMs;
    }

    @Override
    public String model() {
        return "rw-lock";
    }

    @Override
    public void run(Cluster cluster, Recorder recorder, AtomicBoolean stop) {
        AtomicInteger nextProcess = new AtomicInteger(1_000);
        for (int round = 0; !stop.get() && round < 100; round++) {
            String key = "lapse-" + round;
            LockSession walksAway = new LockSession(2 * round, cluster, recorder, nextProcess, stats, true, ttlMs, 5_000);
            LockSession takesOver = new LockSession(2 * round + 1, cluster, recorder, nextProcess, stats, true, ttlMs,
                    3 * ttlMs + 5_000);
            if (!walksAway.acquire(key, "X", 0).ok()) {
                continue; // no leader right now: try the next round
            }
            if (takesOver.acquire(key, "X", 3 * ttlMs).ok()) {
                takesOver.release(key);
            }
        }
    }

    @Override
    public String stats() {
        return stats.describe(true);
    }
}
