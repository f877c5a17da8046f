package dev.dsync.cache;

/** The node shell's clock for leases: monotonic milliseconds, comparable only within one process. */
final class MonotonicClock {
    private MonotonicClock() {}

    static long nowMs() {
        return System.nanoTime() / 1_000_000;
    }
}
