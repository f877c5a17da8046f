package dev.dsync.checker.linear;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A byte budget shared by all concurrent searches of one check. Memo tables reserve before
 * they grow and give back when done, so the total stays under the limit and a search that
 * would exceed it ends as {@code unknown} rather than with an OutOfMemoryError.
 */
public final class MemoryBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    public MemoryBudget(long limitBytes) {
        this.limit = limitBytes;
    }

    /** Reserves {@code bytes} or throws {@link SearchAbort} if that would exceed the limit. */
    public void reserve(long bytes) {
        long now = used.addAndGet(bytes);
        if (now > limit) {
            used.addAndGet(-bytes);
            throw new SearchAbort("memory budget of " + (limit >> 20) + " MiB for search memo tables exhausted");
        }
    }

    public void release(long bytes) {
        used.addAndGet(-bytes);
    }

    public long used() {
        return used.get();
    }

    public long limit() {
        return limit;
    }
}
