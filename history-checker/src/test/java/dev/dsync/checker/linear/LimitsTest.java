package dev.dsync.checker.linear;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dsync.checker.Checker;
import dev.dsync.checker.Checks;
import dev.dsync.checker.KeyResult;
import dev.dsync.checker.Result;
import dev.dsync.checker.Verdict;
import dev.dsync.checker.history.History;
import dev.dsync.checker.history.HistoryBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A search that cannot finish within its limits ends as unknown, with how far it got, instead
 * of hanging or running out of memory.
 */
class LimitsTest {
    /**
     * Many concurrent info writes of distinct values (with reductions off), then a read of
     * a value nobody wrote: the search must try every subset of the info writes before giving up.
     */
    static History explosive(int infoWrites) {
        HistoryBuilder b = new HistoryBuilder();
        for (int p = 0; p < infoWrites; p++) {
            b.invoke(p, "write", null, p);
        }
        for (int p = 0; p < infoWrites; p++) {
            b.info(p, "write", null, p);
        }
        for (int i = 0; i < 40; i++) {
            int p = 1000 + i;
            b.invoke(p, "read", null, null).ok(p, "read", null, i % infoWrites);
        }
        b.invoke(2000, "read", null, null).ok(2000, "read", null, 99);
        return b.build();
    }

    @Test
    void timeLimitGivesUnknownWithProgress() {
        long t0 = System.nanoTime();
        Result r = Checker.check("register", explosive(40),
                Checks.options().withReductions(false).withTimeLimit(Duration.ofMillis(300)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(Verdict.UNKNOWN, r.verdict(), r.summary());
        KeyResult k = r.keys().get(0);
        assertTrue(k.reason().contains("time limit"), k.reason());
        assertTrue(k.configurations() > 0);
        assertTrue(ms < 5000, "stopped promptly: " + ms + " ms");
    }

    @Test
    void memoryBudgetGivesUnknownInsteadOfOutOfMemory() {
        Result r = Checker.check("register", explosive(40),
                Checks.options().withReductions(false).withMemoryBudget(8L << 20));
        assertEquals(Verdict.UNKNOWN, r.verdict(), r.summary());
        assertTrue(r.keys().get(0).reason().contains("memory budget"), r.keys().get(0).reason());
    }

    @Test
    void reductionsDecideTheSameHistoryQuickly() {
        // Each info write's value is unique and observed, so it becomes mandatory: no blow-up.
        Result r = Checker.check("register", explosive(40), Checks.options().withTimeLimit(Duration.ofSeconds(5)));
        assertEquals(Verdict.INVALID, r.verdict(), r.summary());
        assertEquals("read", r.keys().get(0).counterexample().unplaceable().f());
    }
}
