package dev.dsync.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TickScheduleTest {
    private static final long TICK = TimeUnit.MILLISECONDS.toNanos(25);

    @Test
    void deliversTheTicksThatElapsedAndNoneTwice() {
        TickSchedule ticks = new TickSchedule(TICK, 20, 0);
        assertEquals(0, ticks.takeDue(TICK - 1));
        assertEquals(1, ticks.takeDue(TICK));
        assertEquals(0, ticks.takeDue(TICK + 1));
        assertEquals(3, ticks.takeDue(4 * TICK + 7));
        assertEquals(TICK - 7, ticks.nanosUntil(1, 4 * TICK + 7));
        assertEquals(2 * TICK + TICK - 7, ticks.nanosUntil(3, 4 * TICK + 7));
    }

    @Test
    void aClockThatJumpsDaysAheadYieldsAtMostTheCapAndThenRegularTicks() {
        TickSchedule ticks = new TickSchedule(TICK, 20, 0);
        long later = TimeUnit.DAYS.toNanos(3);
        assertEquals(20, ticks.takeDue(later));
        assertEquals(0, ticks.takeDue(later + TICK - 1));
        assertEquals(1, ticks.takeDue(later + TICK));
    }

    @Test
    void aClockThatGoesBackDoesNotPutTheNextTickFarAway() {
        TickSchedule ticks = new TickSchedule(TICK, 20, TimeUnit.HOURS.toNanos(1));
        long earlier = TimeUnit.MINUTES.toNanos(1);
        assertEquals(TICK, ticks.nanosUntil(1, earlier));
        assertEquals(0, ticks.takeDue(earlier));
        assertEquals(1, ticks.takeDue(earlier + TICK));
    }
}
