package dev.dsync.node;

/**
 * Runs an action after a delay, measured on the node's monotonic clock. The node binds a timer
 * thread ({@link ThreadTimers}); the simulation its event queue. An action may run on any thread,
 * so what it touches must be safe for that (or hand itself to the Raft loop).
 */
public interface Timers {
    /** Runs {@code action} once, about {@code delayMs} from now, unless cancelled first. */
    Cancellable after(long delayMs, Runnable action);

    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }
}
