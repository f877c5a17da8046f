package dev.dsync.lock;

import static dev.dsync.lock.LockHarness.assertBusy;
import static dev.dsync.lock.LockHarness.assertGranted;
import static dev.dsync.lock.LockMode.S;
import static dev.dsync.lock.LockMode.X;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Release and CancelWait. */
class LockReleaseTest {
    private final LockHarness h = new LockHarness();

    @Test
    void releasingAHolderPromotesTheHead() {
        h.tryLock("k", X, "a");
        h.lock("k", X, "b");
        var r = h.release("k", "a");
        assertEquals(200, r.status());
        assertTrue(r.body().get("released").asBoolean());
        assertFalse(r.body().has("was_waiting"));
        assertEquals(List.of("b"), h.holders("k"));
        assertEquals(h.index, h.sm.grantOf("k", "b").orElseThrow().fence());
    }

    @Test
    void releasingTheLastLockForgetsKeyAndClient() {
        h.tryLock("k", X, "a");
        h.release("k", "a");
        assertEquals(0, h.sm.heldCount());
        assertTrue(h.sm.table().keys.isEmpty());
        assertTrue(h.sm.table().clients.isEmpty());
        assertGranted(h.tryLock("k", X, "b"), X, 3); // fences keep growing: they are log indexes
    }

    @Test
    void releasingAQueuedRequestCancelsItAndUnblocksThoseBehind() {
        h.tryLock("k", S, "a");
        h.lock("k", X, "w");
        h.lock("k", S, "c");
        var r = h.release("k", "w");
        assertEquals(200, r.status());
        assertTrue(r.body().get("was_waiting").asBoolean());
        assertEquals(List.of("a", "c"), h.holders("k"));
    }

    @Test
    void releasingWhatYouNeitherHoldNorAwaitIs404() {
        h.tryLock("k", X, "a");
        for (var r : List.of(h.release("k", "b"), h.release("other", "a"))) {
            assertEquals(404, r.status());
            assertEquals("client neither holds nor waits for this lock", r.body().get("error").asText());
        }
    }

    @Test
    void cancelWhileStillWaitingWithdrawsTheRequest() {
        h.tryLock("k", X, "a");
        h.lock("k", S, "b");
        assertBusy(h.cancel("k", "b"), List.of("a"));
        assertEquals(List.of(), h.waiters("k"));
        assertEquals(404, h.renew("b").status(), "b's lease went with its only request");
    }

    @Test
    void cancelAfterTheGrantReturnsTheGrant() {
        h.tryLock("k", X, "a");
        h.lock("k", S, "b");
        h.release("k", "a");
        long fence = h.index;
        var r = h.cancel("k", "b");
        assertGranted(r, S, fence);
        assertEquals(h.sm.grantOf("k", "b").orElseThrow().expiresAtMs(), r.body().get("expires_at_ms").asLong());
        assertEquals(List.of("b"), h.holders("k"), "still held: the client now owns it");
    }

    @Test
    void cancelOfNothingIs404() {
        assertEquals(404, h.cancel("k", "a").status());
        h.tryLock("k", X, "a");
        assertEquals(404, h.cancel("k", "b").status());
    }

    @Test
    void cancelOfTheHeadPromotesThoseBehind() {
        h.tryLock("k", S, "a");
        h.lock("k", X, "w");
        h.lock("k", S, "c");
        h.lock("k", S, "d");
        h.sm.takeRecentGrants();
        h.cancel("k", "w");
        assertEquals(List.of("c", "d"),
                h.sm.takeRecentGrants().stream().map(LockGrant::clientId).toList());
    }
}
