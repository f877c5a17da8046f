package dev.dsync.checker;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Counters a running check updates, so a caller can print a progress line. Thread-safe. */
public final class Progress {
    private final AtomicInteger keysTotal = new AtomicInteger();
    private final AtomicInteger keysDone = new AtomicInteger();
    private final LongAdder configurations = new LongAdder();

    public void keysTotal(int n) {
        keysTotal.set(n);
    }

    public void keyDone() {
        keysDone.incrementAndGet();
    }

    public void explored(long n) {
        configurations.add(n);
    }

    public int keysTotal() {
        return keysTotal.get();
    }

    public int keysDone() {
        return keysDone.get();
    }

    public long configurations() {
        return configurations.sum();
    }
}
