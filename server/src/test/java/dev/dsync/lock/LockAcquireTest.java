package dev.dsync.lock;

import static dev.dsync.lock.LockHarness.assertBusy;
import static dev.dsync.lock.LockHarness.assertGranted;
import static dev.dsync.lock.LockHarness.assertQueued;
import static dev.dsync.lock.LockMode.S;
import static dev.dsync.lock.LockMode.X;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LockAcquireTest {
    private final LockHarness h = new LockHarness();

    @Test
    void freeKeyIsGrantedWithTheLogIndexAsFence() {
        h.index = 41;
        var r = h.tryLock("k", X, "a");
        assertGranted(r, X, 42);
        assertEquals(h.nowMs + LockHarness.TTL, r.body().get("expires_at_ms").asLong());
        assertEquals(List.of(new LockGrant("k", "a", X, 42, h.nowMs + LockHarness.TTL)), h.sm.takeRecentGrants());
        assertEquals(List.of(), h.sm.takeRecentGrants(), "drained");
    }

    @Test
    void sharedLocksAreCompatible() {
        assertGranted(h.tryLock("k", S, "a"), S, 1);
        assertGranted(h.tryLock("k", S, "b"), S, 2);
        assertEquals(List.of("a", "b"), h.holders("k"));
        assertEquals(2, h.sm.heldCount());
    }

    @Test
    void exclusiveConflictsWithEverything() {
        h.tryLock("k", S, "a");
        assertBusy(h.tryLock("k", X, "b"), List.of("a"));
        h.release("k", "a");
        h.tryLock("k", X, "a");
        assertBusy(h.tryLock("k", S, "b"), List.of("a"));
        assertBusy(h.tryLock("k", X, "b"), List.of("a"));
        assertEquals(0, h.sm.waiterCount());
        assertTrue(h.sm.grantOf("k", "b").isEmpty());
    }

    @Test
    void repeatedAcquireByHolderIsIdempotent() {
        h.tryLock("k", X, "a");
        h.nowMs += 500;
        var again = h.tryLock("k", X, "a");
        assertGranted(again, X, 1);
        assertEquals(h.nowMs + LockHarness.TTL, again.body().get("expires_at_ms").asLong(), "lease refreshed");
        assertGranted(h.tryLock("k", S, "a"), X, 1); // an X holder asking S gets its X grant
        assertGranted(h.lock("k", X, "a"), X, 1);
    }

    @Test
    void sharedHolderAskingSharedAgainKeepsItsFence() {
        h.tryLock("k", S, "a");
        h.tryLock("k", S, "b");
        assertGranted(h.tryLock("k", S, "a"), S, 1);
        assertEquals(1, h.sm.grantOf("k", "a").orElseThrow().fence());
    }

    @Test
    void busyRequestQueuesFifoWithPositions() {
        h.tryLock("k", X, "a");
        var b = h.lock("k", S, "b");
        assertQueued(b, 1);
        assertEquals(List.of("a"), LockHarness.strings(b.body().get("holders")));
        assertQueued(h.lock("k", X, "c"), 2);
        assertQueued(h.lock("k", S, "d"), 3);
        assertEquals(List.of("b", "c", "d"), h.waiters("k"));
        assertEquals(3, h.sm.waiterCount());
    }

    @Test
    void waitingClientAskingAgainGetsItsPositionWithoutDuplicate() {
        h.tryLock("k", X, "a");
        h.lock("k", X, "b");
        h.lock("k", S, "c");
        assertQueued(h.lock("k", S, "c"), 2);
        assertQueued(h.tryLock("k", X, "c"), 2); // still waiting, whatever the new flags say
        assertEquals(List.of("b", "c"), h.waiters("k"));
    }

    @Test
    void waitingExclusiveBlocksNewSharedEvenIfCompatibleWithHolders() {
        h.tryLock("k", S, "a");
        assertQueued(h.lock("k", X, "w"), 1);
        assertBusy(h.tryLock("k", S, "b"), List.of("a"));
        assertQueued(h.lock("k", S, "c"), 2);
        assertEquals(List.of("a"), h.holders("k"));
        h.sm.takeRecentGrants();

        h.release("k", "a");
        long releaseIndex = h.index;
        assertEquals(List.of("w"), h.holders("k"));
        assertEquals(List.of(new LockGrant("k", "w", X, releaseIndex, h.nowMs + LockHarness.TTL)),
                h.sm.takeRecentGrants());
        h.release("k", "w");
        assertEquals(List.of("c"), h.holders("k"));
    }

    @Test
    void runOfSharedWaitersIsGrantedTogetherUpToTheNextExclusive() {
        h.tryLock("k", X, "a");
        h.lock("k", S, "b");
        h.lock("k", S, "c");
        h.lock("k", X, "d");
        h.lock("k", S, "e");
        h.sm.takeRecentGrants();
        h.release("k", "a");
        List<LockGrant> grants = h.sm.takeRecentGrants();
        assertEquals(List.of("b", "c"), grants.stream().map(LockGrant::clientId).toList());
        assertTrue(grants.stream().allMatch(g -> g.mode() == S));
        // Granted together, yet each has a fence of its own: the command's index, then the next.
        assertEquals(List.of(h.index, h.index + 1), grants.stream().map(LockGrant::fence).toList());
        assertEquals(List.of("b", "c"), h.holders("k"));
        assertEquals(List.of("d", "e"), h.waiters("k"));
        assertEquals(h.index + 1, h.sm.status("k").get("last_fence").asLong());
    }

    @Test
    void statusListsHoldersWaitersAndLastFence() {
        h.tryLock("k", S, "a");
        h.lock("k", X, "b");
        var status = h.sm.status("k");
        assertEquals("k", status.get("key").asText());
        var holder = status.get("holders").get(0);
        assertEquals("a", holder.get("client_id").asText());
        assertEquals("S", holder.get("mode").asText());
        assertEquals(1, holder.get("fence").asLong());
        assertEquals(h.nowMs + LockHarness.TTL, holder.get("expires_at_ms").asLong());
        assertEquals("b", status.get("waiters").get(0).get("client_id").asText());
        assertEquals("X", status.get("waiters").get(0).get("mode").asText());
        assertEquals(1, status.get("last_fence").asLong());

        var idle = h.sm.status("nothing");
        assertEquals(0, idle.get("holders").size());
        assertEquals(0, idle.get("waiters").size());
        assertTrue(idle.get("last_fence").isNull());
    }

    @Test
    void keysAreIndependent() {
        assertGranted(h.tryLock("k1", X, "a"), X, 1);
        assertGranted(h.tryLock("k2", X, "b"), X, 2);
        assertGranted(h.tryLock("k2", X, "b"), X, 2);
        assertEquals(2, h.sm.heldCount());
    }
}
