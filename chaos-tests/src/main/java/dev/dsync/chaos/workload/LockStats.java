package dev.dsync.chaos.workload;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the lock clients did and saw, for the run's summary line: how often each scenario ran,
 * and answers that show the API's rules at work (deadlock refusals, idempotent re-acquires,
 * withdrawals, renewals). {@link #unexpected} counts answers that contradict the server's
 * documented rules as seen from one client (they are reported, not judged: the checker judges).
 */
final class LockStats {
    final Map<String, AtomicLong> scenarios = new ConcurrentHashMap<>();
    final AtomicLong deadlocks = new AtomicLong();
    final AtomicLong reacquireSameFence = new AtomicLong();
    final AtomicLong upgrades = new AtomicLong();
    final AtomicLong withdrawn = new AtomicLong();
    final AtomicLong renewed = new AtomicLong();
    final AtomicLong abandoned = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final AtomicLong unknown = new AtomicLong();
    final AtomicLong unexpectedCount = new AtomicLong();
    private volatile String firstUnexpected;

    void ran(String scenario) {
        scenarios.computeIfAbsent(scenario, s -> new AtomicLong()).incrementAndGet();
    }

    void unexpected(String what) {
        if (unexpectedCount.getAndIncrement() == 0) {
            firstUnexpected = what;
        }
    }

    String describe(boolean fullApi) {
        StringBuilder s = new StringBuilder();
        s.append(String.format("lock: scenarios %s; %d deadlock refusals, %d idempotent re-acquires, %d upgrades S->X, "
                        + "%d withdrawals, %d renewals, %d identities left to lapse, %d retries by request id, "
                        + "%d unknown outcomes given up on%s",
                new TreeMap<>(scenarios), deadlocks.get(), reacquireSameFence.get(), upgrades.get(), withdrawn.get(),
                renewed.get(), abandoned.get(), retries.get(), unknown.get(),
                fullApi ? "" : " (FULL_API off: renewals and withdrawals not recorded, no retries)"));
        if (unexpectedCount.get() > 0) {
            s.append("; ").append(unexpectedCount.get()).append(" unexpected answer(s), first: ").append(firstUnexpected);
        }
        return s.toString();
    }
}
