package dev.dsync.chaos.workload;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Counts for the run's summary: how reads were served, what the writes did, and retries. */
final class CacheStats {
    final AtomicLong retries = new AtomicLong();
    final AtomicLong stickyReads = new AtomicLong();
    final AtomicLong stickyHits = new AtomicLong();

    final AtomicLong reads = new AtomicLong();
    final AtomicLong hits = new AtomicLong();
    final AtomicLong writes = new AtomicLong();
    final AtomicLong casOk = new AtomicLong();
    final AtomicLong casMismatches = new AtomicLong();
    final AtomicLong dels = new AtomicLong();
    final AtomicLong unexpectedCount = new AtomicLong();
    private final Map<String, Long> hitsByState = new LinkedHashMap<>();
    private final Map<String, Long> missesByState = new LinkedHashMap<>();
    private volatile String firstUnexpected;

    synchronized void read(boolean hit, String state) {
        reads.incrementAndGet();
        if (hit) {
            hits.incrementAndGet();
            hitsByState.merge(state, 1L, Long::sum);
        } else {
            missesByState.merge(state, 1L, Long::sum);
        }
    }

    void unexpected(String what) {
        if (unexpectedCount.getAndIncrement() == 0) {
            firstUnexpected = what;
        }
    }

    synchronized String describe() {
        long r = reads.get();
        StringBuilder s = new StringBuilder();
        s.append(String.format("cache: %d ok gets, %d hits (%.1f%%) by line state %s, misses by resulting state %s; "
                        + "%d puts, %d cas ok, %d cas mismatch, %d dels",
                r, hits.get(), r == 0 ? 0.0 : 100.0 * hits.get() / r, hitsByState, missesByState,
                writes.get(), casOk.get(), casMismatches.get(), dels.get()));
        s.append(String.format("; %d ok gets (%d hits) by readers that never leave their node; %d write retries by request id",
                stickyReads.get(), stickyHits.get(), retries.get()));
        if (unexpectedCount.get() > 0) {
            s.append("; ").append(unexpectedCount.get()).append(" unexpected answer(s), first: ").append(firstUnexpected);
        }
        return s.toString();
    }
}
