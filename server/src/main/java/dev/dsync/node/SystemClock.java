package dev.dsync.node;

/** The node's {@link NodeClock}: the JVM's monotonic and wall clocks. An adapter (server/adapters.txt). */
public final class SystemClock implements NodeClock {
    public static final SystemClock INSTANCE = new SystemClock();

    private SystemClock() {}

    @Override
    public long monotonicMs() {
        return System.nanoTime() / 1_000_000;
    }

    @Override
    public long wallMs() {
        return System.currentTimeMillis();
    }
}
