package dev.dsync.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The leader's bookkeeping: what is pending, when it settles, and what the watermark may say. */
class InvalidationTrackerTest {
    private static final LeaseTiming TIMING = new LeaseTiming(100, 25, 50); // leader bound 106 ms
    private final InvalidationTracker t = new InvalidationTracker("n1", TIMING);
    private final CacheHarness h = new CacheHarness();

    /** Applies through the harness and hands the changes to the tracker, as the leader's afterApply does. */
    private void applied() {
        t.onApplied(h.sm.takeChanges(), h.index);
    }

    @Test
    void aNewLeaderAnswersNothingForOneLeaseBound() {
        h.put("n2", "k", "a");
        t.lead(1_000, h.index);
        h.sm.takeChanges();
        assertEquals(0, t.watermark(1_000));
        assertFalse(t.settled("k", h.index, 1_105), "a predecessor's lease may still run");
        assertEquals(0, t.watermark(1_105));
        assertTrue(t.settled("k", h.index, 1_106));
        assertEquals(h.index, t.watermark(1_106));
    }

    @Test
    void aWriteIsPendingUntilEachOtherHolderReportsOrItsLeaseEnds() {
        t.lead(0, 0);
        h.put("n2", "k", "a");
        h.fill("n3", "k");
        h.fill("n1", "k");
        applied();
        t.onGrant("n2", 200);
        t.onGrant("n3", 200);
        t.onReport("n2", h.index);
        t.onReport("n3", h.index);
        t.settle(200);
        assertEquals(0, t.pendingCount());
        long before = h.index;
        h.put("n1", "k", "b"); // invalidates n2 and n3; n1 is the leader and never waited for
        long write = h.index;
        applied();
        t.settle(210);
        assertEquals(1, t.pendingCount());
        assertFalse(t.settled("k", write, 210));
        assertEquals(write - 1, t.watermark(210));
        assertTrue(t.settled("other", write, 210), "other keys are not held up");
        assertTrue(t.settled("k", before, 210), "an answer from before the write does not wait for it");

        t.onReport("n2", write);
        t.settle(220);
        assertFalse(t.settled("k", write, 220), "n3 has not reported");
        t.onReport("n3", write - 1);
        t.settle(230);
        assertFalse(t.settled("k", write, 230), "a report from before the write does not count");
        t.settle(200 + TIMING.leaderBoundMs() - 1);
        assertFalse(t.settled("k", write, 200 + TIMING.leaderBoundMs() - 1));
        t.settle(200 + TIMING.leaderBoundMs());
        assertTrue(t.settled("k", write, 200 + TIMING.leaderBoundMs()), "n3's lease is surely over");
        assertEquals(write, t.watermark(200 + TIMING.leaderBoundMs()));
    }

    @Test
    void aFillThatDowngradesAnotherHolderIsPendingToo() {
        t.lead(0, 0);
        h.put("n2", "k", "a");
        applied();
        t.onGrant("n2", 450); // without a lease from this leader, n2 could serve nothing anyway
        t.settle(500);
        h.fill("n3", "k"); // n2 drops from M to S
        long fill = h.index;
        applied();
        t.settle(501);
        assertEquals(fill - 1, t.watermark(501), "n3's S copy may not be served while n2 may still serve M");
        t.onReport("n2", fill);
        t.settle(502);
        assertEquals(fill, t.watermark(502));
    }

    @Test
    void leadershipLossForgetsEverythingAndLapsedHoldersAreNamed() {
        t.lead(0, 0);
        h.put("n2", "k", "a");
        h.put("n1", "k", "b");
        applied();
        t.onGrant("n3", 50);
        assertEquals(List.of("n2"), t.lapsed(Set.of("n1", "n2", "n3"), TIMING.leaderBoundMs() + 1_000, 1_000));
        assertEquals(List.of(), t.lapsed(Set.of("n1", "n3"), 50 + TIMING.leaderBoundMs() + 999, 1_000));
        t.stop();
        assertFalse(t.leading());
        assertEquals(0, t.pendingCount());
        assertEquals(0, t.watermark(10_000));
        assertFalse(t.settled("k", 1, 10_000));
    }

    @Test
    void aWriterThatHeldTheOldVersionIsWaitedForToo() {
        h.put("n2", "k", "a");
        h.fill("n3", "k");
        h.sm.takeChanges();
        h.put("n2", "k", "b"); // n2 could still serve "a" until it applies this
        assertEquals(List.of(new CacheChanges.Change(h.index, "k", List.of("n3", "n2"))), h.sm.takeChanges().awaited());
        h.put("n4", "k", "c"); // n4 held nothing: only the holder it invalidates
        assertEquals(List.of(new CacheChanges.Change(h.index, "k", List.of("n2"))), h.sm.takeChanges().awaited());
        h.del("n2", "k");
        assertEquals(List.of(new CacheChanges.Change(h.index, "k", List.of("n4"))), h.sm.takeChanges().awaited());
    }

    /** Regression: settling removed TreeMap entries and then read them, by then reused for the next change, so keys stayed unsettled forever. */
    @Test
    void everyKeySettlesWhenManyChangesSettleOutOfOrder() {
        t.lead(0, 0);
        CacheChanges changes = new CacheChanges();
        for (int i = 1; i <= 7; i++) {
            changes.changed(10 + i, "k" + i, List.of(i % 2 == 0 ? "n2" : "n3"));
        }
        t.onApplied(changes, 17);
        t.onGrant("n2", 1_000);
        t.onGrant("n3", 1_000);
        t.onReport("n2", 17);
        t.settle(1_000);
        assertEquals(4, t.pendingCount(), "n3's four changes remain");
        t.onReport("n3", 17);
        t.settle(1_000);
        assertEquals(0, t.pendingCount());
        for (int i = 1; i <= 7; i++) {
            assertTrue(t.settled("k" + i, 17, 1_000), "k" + i);
        }
        assertEquals(17, t.watermark(1_000));
    }
}
