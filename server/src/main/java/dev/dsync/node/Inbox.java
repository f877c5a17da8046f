package dev.dsync.node;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The Raft loop's inbox: events from other threads (peer messages, client requests), each stamped
 * with when it arrived, so that the loop can put them back in time order with its own ticks.
 *
 * <p>Why the stamp: the loop thread can stall (a slow fsync, a large batch, a GC pause, CPU
 * starvation) while the receiving threads go on queueing. Delivering all the ticks that elapsed
 * before all the events that arrived meanwhile tells the core a story that did not happen: a
 * follower counts out its election timeout although its leader's appends were waiting in the
 * inbox, and campaigns; a leader reaches its CheckQuorum boundary before the acknowledgements that
 * came in time, and steps down. Under 64 clients of enqueue load that cost three elections in
 * 30 s. {@link #runDue} delivers each event after exactly the ticks that fell due before it arrived.
 */
final class Inbox {
    /** At most this many events run between two looks at the Ready: one fsync for all of them. */
    static final int MAX_BATCH = 10_000;

    record Event(long arrivedNanos, Runnable action) {}

    private final LinkedBlockingQueue<Event> queue = new LinkedBlockingQueue<>();
    private final LongSupplier nanoTime;
    /** When the last {@link #runDue} ended: every tick due by then is delivered. */
    private long lastRunNanos;

    /** @param nanoTime the monotonic clock the loop's {@link TickSchedule} runs on */
    Inbox(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.lastRunNanos = nanoTime.getAsLong();
    }

    /** Queues an event; called from any thread. */
    void add(Runnable action) {
        queue.add(new Event(nanoTime.getAsLong(), action));
    }

    /** Waits up to {@code nanos} for the first event; null if none came. */
    Event poll(long nanos) throws InterruptedException {
        return queue.poll(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Runs {@code first} and whatever queued behind it (up to {@link #MAX_BATCH}), each preceded by
     * the ticks that fell due before it arrived, then the ticks due by now.
     *
     * @param first the event that woke the loop, or null if it woke for a tick
     */
    void runDue(Event first, TickSchedule ticks, Runnable tick) {
        // An event never takes the schedule back: two stamps can swap (each is taken before its add),
        // and one that waited out a full batch arrived before the ticks the last run delivered.
        long at = lastRunNanos;
        Event event = first;
        for (int n = 0; event != null && n < MAX_BATCH; n++) {
            if (event.arrivedNanos() - at > 0) {
                at = event.arrivedNanos();
            }
            deliver(ticks.takeDue(at), tick);
            event.action().run();
            event = n + 1 < MAX_BATCH ? queue.poll() : null;
        }
        // Unclamped: if the clock itself went back, the schedule must follow it (see TickSchedule).
        lastRunNanos = nanoTime.getAsLong();
        deliver(ticks.takeDue(lastRunNanos), tick);
    }

    private static void deliver(int due, Runnable tick) {
        for (int i = 0; i < due; i++) {
            tick.run();
        }
    }
}
