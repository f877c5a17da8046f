package dev.dsync.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class LeaderCountdownsTest {
    private final LeaderCountdowns<String> countdowns = new LeaderCountdowns<>(LeaseClockBounds.DRIFT_PERMILLE);

    @Test
    void stretchesTheLeaseByTheDriftAllowancePlusRounding() {
        assertEquals(3_151, countdowns.stretchedMs(3_000));
        assertEquals(211, countdowns.stretchedMs(200));
        assertEquals(3, countdowns.stretchedMs(1));
    }

    @Test
    void countsFromTheFirstObservationNotFromAnyClockReading() {
        // Monotonic readings are arbitrary numbers, negative included: only differences count.
        long t = -5_000_000;
        assertFalse(countdowns.runOut("a", 7, 3_000, t), "the first observation starts the countdown");
        assertFalse(countdowns.runOut("a", 7, 3_000, t + 3_150));
        assertTrue(countdowns.runOut("a", 7, 3_000, t + 3_151));
    }

    @Test
    void aRefreshStartsTheCountdownAgain() {
        countdowns.runOut("a", 7, 1_000, 0);
        assertFalse(countdowns.runOut("a", 9, 1_000, 1_000), "version 9: a renewal the leader sees now");
        assertFalse(countdowns.runOut("a", 9, 1_000, 2_000));
        assertTrue(countdowns.runOut("a", 9, 1_000, 2_051));
    }

    @Test
    void forgetsLeasesThatAreGone() {
        countdowns.runOut("a", 1, 1_000, 0);
        countdowns.runOut("b", 1, 1_000, 0);
        countdowns.retainOnly(Set.of("b"));
        assertEquals(1, countdowns.tracked());
        assertFalse(countdowns.runOut("a", 1, 1_000, 5_000), "a is observed anew");
    }

    /**
     * The allowance: a leader whose monotonic clock runs 5 % fast (twice the documented 2.5 % bound)
     * still lets at least the ttl of real time pass between the refresh and the expiry; 7 % fast
     * would not — the allowance is what makes it safe, nothing else.
     */
    @Test
    void aLeaderClockFastByTheAllowanceNeverExpiresEarlyInRealTime() {
        long ttl = 3_000;
        assertTrue(realMsUntilRunOut(ttl, 1.05) >= ttl);
        assertTrue(realMsUntilRunOut(ttl, 0.95) >= ttl);
        assertTrue(realMsUntilRunOut(ttl, 1.07) < ttl, "beyond the allowance the lease is cut short");
    }

    private static long realMsUntilRunOut(long ttl, double leaderRate) {
        LeaderCountdowns<String> c = new LeaderCountdowns<>(LeaseClockBounds.DRIFT_PERMILLE);
        for (long realMs = 0; realMs < 10 * ttl; realMs++) {
            if (c.runOut("a", 1, ttl, (long) Math.floor(realMs * leaderRate))) {
                return realMs;
            }
        }
        throw new AssertionError("never ran out");
    }
}
