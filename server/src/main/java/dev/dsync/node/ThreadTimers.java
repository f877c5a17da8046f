package dev.dsync.node;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The node's {@link Timers}: one daemon scheduler thread. Actions must be short (they complete
 * futures or hand work to the Raft loop); a slow one delays the others. An adapter (server/adapters.txt).
 *
 * <p>Cancelled timers leave the queue at once: nearly every timer is a request step's deadline
 * ({@link Futures#within}), cancelled when the step completes, and under load the queue would
 * otherwise hold every step of the last few seconds until its deadline passed.
 */
public final class ThreadTimers implements Timers, AutoCloseable {
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "timers");
        t.setDaemon(true);
        return t;
    });

    public ThreadTimers() {
        scheduler.setRemoveOnCancelPolicy(true);
    }

    @Override
    public Cancellable after(long delayMs, Runnable action) {
        ScheduledFuture<?> scheduled = scheduler.schedule(() -> {
            try {
                action.run();
            } catch (RuntimeException e) {
                System.getLogger(ThreadTimers.class.getName()).log(System.Logger.Level.WARNING, "timer action failed", e);
            }
        }, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
        return () -> scheduled.cancel(false);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
