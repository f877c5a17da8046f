package dev.dsync.node;

/**
 * When the Raft loop's ticks fall due, on the monotonic clock (nanoseconds). Pure: the loop passes
 * the time in.
 *
 * <p>The clock is trusted to move forward at about real speed, but a process can still see it jump:
 * a VM or a stopped process resumed after hours, or a clock-faking library misbehaving. Two rules
 * keep a jump harmless:
 * <ul>
 *   <li>forward: at most {@code maxCatchUp} ticks are delivered at once. Raft counts ticks only up
 *       to the longest election timeout, so more would only run election after election with no
 *       chance to hear an answer (and fill the outbox with vote requests, which is how an
 *       unbounded catch-up once ran a node out of memory);
 *   <li>backward: the next tick is never more than one tick away, so the loop does not sleep
 *       through the time the clock went back.
 * </ul>
 */
final class TickSchedule {
    private final long tickNanos;
    private final int maxCatchUp;
    private long nextTick;

    TickSchedule(long tickNanos, int maxCatchUp, long now) {
        if (tickNanos <= 0 || maxCatchUp < 1) {
            throw new IllegalArgumentException("need tickNanos > 0 and maxCatchUp >= 1");
        }
        this.tickNanos = tickNanos;
        this.maxCatchUp = maxCatchUp;
        this.nextTick = now + tickNanos;
    }

    /** Nanoseconds from {@code now} until the {@code ticksAhead}-th next tick is due (>= 0). */
    long nanosUntil(int ticksAhead, long now) {
        pullBack(now);
        return (ticksAhead - 1) * tickNanos + Math.max(0, nextTick - now);
    }

    /** The ticks due by {@code now} (at most {@code maxCatchUp}); they count as delivered. */
    int takeDue(long now) {
        pullBack(now);
        if (now < nextTick) {
            return 0;
        }
        long due = (now - nextTick) / tickNanos + 1;
        if (due > maxCatchUp) {
            nextTick = now + tickNanos; // the ticks beyond the cap are dropped, not owed
            return maxCatchUp;
        }
        nextTick += due * tickNanos;
        return (int) due;
    }

    private void pullBack(long now) {
        if (nextTick - now > tickNanos) {
            nextTick = now + tickNanos;
        }
    }
}
