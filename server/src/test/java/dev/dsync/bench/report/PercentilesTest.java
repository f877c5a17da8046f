package dev.dsync.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dsync.bench.report.Results.Trial;
import org.junit.jupiter.api.Test;

class PercentilesTest {
    private static long[] ms(long... values) {
        long[] nanos = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            nanos[i] = values[i] * 1_000_000;
        }
        return nanos;
    }

    @Test
    void nearestRank() {
        long[] hundred = new long[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = (i + 1) * 1_000_000L; // 1..100 ms
        }
        assertEquals(50.0, Percentiles.ms(hundred, 0.50));
        assertEquals(99.0, Percentiles.ms(hundred, 0.99));
        assertEquals(100.0, Percentiles.ms(hundred, 1.0));
        assertEquals(1.0, Percentiles.ms(hundred, 0.001));
        // Ten values: p50 is the 5th, p99 the 10th (ceil(9.9)).
        long[] ten = ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 1000);
        assertEquals(5.0, Percentiles.ms(ten, 0.50));
        assertEquals(1000.0, Percentiles.ms(ten, 0.99));
        assertEquals(7.0, Percentiles.ms(ms(7), 0.99));
    }

    @Test
    void refusesNothingAndNonsense() {
        assertThrows(IllegalArgumentException.class, () -> Percentiles.ms(new long[0], 0.5));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.ms(ms(1), 0));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.ms(ms(1), 1.5));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.median());
    }

    @Test
    void median() {
        assertEquals(2.0, Percentiles.median(3, 1, 2));
        assertEquals(2.5, Percentiles.median(4, 1, 2, 3));
    }

    @Test
    void trialSummaryCountsSuccessesErrorsAndHits() {
        LoadRunner.Recorder a = new LoadRunner.Recorder();
        LoadRunner.Recorder b = new LoadRunner.Recorder();
        for (int i = 1; i <= 6; i++) {
            a.record(i * 1_000_000L, i % 2 == 0 ? LoadRunner.Outcome.HIT : LoadRunner.Outcome.OK);
        }
        b.record(10_000_000L, LoadRunner.Outcome.HIT);
        b.record(99_000_000L, new LoadRunner.Outcome(false, false, "get answered 503"));
        Trial t = LoadRunner.summarize(2, new LoadRunner.Recorder[] {a, b}, 2.0, true, "get answered 503");
        assertEquals(7, t.ops());
        assertEquals(1, t.errors());
        assertEquals(3.5, t.opsPerSecond());
        assertEquals(4.0, t.p50Ms()); // 1 2 3 4 5 6 10: the 4th
        assertEquals(10.0, t.p99Ms(), "the failed operation's 99 ms is not a latency");
        assertEquals(0.5714, t.hitRatio());
        assertNull(LoadRunner.summarize(1, new LoadRunner.Recorder[] {a}, 1.0, false, null).hitRatio());
    }
}
