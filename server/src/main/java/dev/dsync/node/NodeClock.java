package dev.dsync.node;

/**
 * This node's two clocks, as everything that decides reads them: the node binds the system's
 * ({@link SystemClock}), the simulation its seeded, drifting per-node clocks.
 */
public interface NodeClock {
    /** Monotonic milliseconds: never steps back, comparable only within one process (leases, deadlines). */
    long monotonicMs();

    /** Wall-clock milliseconds: may step either way; only stamps entries and is compared with other wall times. */
    long wallMs();

    /** Both kinds of time read from one source (a hand-driven clock in tests, a simulated node's clock). */
    static NodeClock of(java.util.function.LongSupplier ms) {
        return new NodeClock() {
            @Override
            public long monotonicMs() {
                return ms.getAsLong();
            }

            @Override
            public long wallMs() {
                return ms.getAsLong();
            }
        };
    }
}
