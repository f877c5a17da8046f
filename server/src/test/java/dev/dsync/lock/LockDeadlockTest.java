package dev.dsync.lock;

import static dev.dsync.lock.LockHarness.assertBusy;
import static dev.dsync.lock.LockHarness.assertDeadlock;
import static dev.dsync.lock.LockHarness.assertQueued;
import static dev.dsync.lock.LockMode.S;
import static dev.dsync.lock.LockMode.X;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LockDeadlockTest {
    private final LockHarness h = new LockHarness();

    @Test
    void twoClientCycleIsRefusedAndChangesNothing() {
        h.tryLock("k1", X, "a");
        h.tryLock("k2", X, "b");
        assertQueued(h.lock("k2", X, "a"), 1);
        byte[] before = h.sm.snapshot();
        assertDeadlock(h.lock("k1", X, "b"), List.of("b", "a"));
        assertEquals(1, h.sm.deadlocksTotal());
        assertEquals(List.of(), h.waiters("k1"));
        assertEquals(List.of("a"), h.waiters("k2"));
        byte[] after = h.sm.snapshot();
        // Only the deadlock counter differs.
        LockStateMachine expected = new LockStateMachine();
        expected.restore(before);
        expected.table().deadlocksTotal++;
        assertArrayEquals(expected.snapshot(), after);
    }

    @Test
    void refusedRequestDoesNotRefreshTheLease() {
        h.tryLock("k1", X, "a");
        h.tryLock("k2", X, "b");
        h.lock("k2", X, "a");
        long bDeadline = h.sm.grantOf("k2", "b").orElseThrow().expiresAtMs();
        h.nowMs += 1_000;
        assertDeadlock(h.lock("k1", X, "b"), List.of("b", "a"));
        assertEquals(bDeadline, h.sm.grantOf("k2", "b").orElseThrow().expiresAtMs());
    }

    @Test
    void threeClientCycleIsReportedInWaitOrder() {
        h.tryLock("k1", X, "a");
        h.tryLock("k2", X, "b");
        h.tryLock("k3", X, "c");
        assertQueued(h.lock("k2", S, "a"), 1);
        assertQueued(h.lock("k3", X, "b"), 1);
        assertDeadlock(h.lock("k1", S, "c"), List.of("c", "a", "b"));
        assertEquals(2, h.sm.waiterCount());
    }

    @Test
    void cycleThroughAnEarlierWaiterInTheQueueCounts() {
        // c waits X behind a's S hold; b's S request would queue behind c (FIFO), and a waits for b.
        h.tryLock("k1", S, "a");
        h.tryLock("k2", X, "b");
        assertQueued(h.lock("k1", X, "c"), 1);
        assertQueued(h.lock("k2", X, "a"), 1);
        assertDeadlock(h.lock("k1", S, "b"), List.of("b", "c", "a"));
    }

    @Test
    void sharedWaitersBehindSharedWaitersAreNotAnEdge() {
        // b and d both wait S behind x's X hold; d does not wait for b, so b waiting on d's key is fine.
        h.tryLock("k1", X, "x");
        h.tryLock("k2", X, "d");
        h.lock("k1", S, "b");
        h.lock("k1", S, "d");
        assertQueued(h.lock("k2", X, "b"), 1);
        assertEquals(0, h.sm.deadlocksTotal());
    }

    @Test
    void chainWithoutCycleQueues() {
        h.tryLock("k1", X, "a");
        h.tryLock("k2", X, "b");
        h.tryLock("k3", X, "c");
        h.lock("k2", X, "a");
        h.lock("k3", X, "b");
        assertQueued(h.lock("k3", X, "d"), 2);
        assertEquals(0, h.sm.deadlocksTotal());
    }

    @Test
    void nonWaitingRequestIsJustBusy() {
        h.tryLock("k1", X, "a");
        h.tryLock("k2", X, "b");
        h.lock("k2", X, "a");
        assertBusy(h.tryLock("k1", X, "b"), List.of("a"));
        assertEquals(0, h.sm.deadlocksTotal());
    }

    @Test
    void longChainDoesNotOverflow() {
        // Set up without per-command invariant checks, which would make this quadratic.
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            h.sm.apply(++h.index, h.nowMs, new LockCommand.Acquire("k" + i, X, "c" + i, 1_000, false).encode());
        }
        for (int i = 0; i < n - 1; i++) {
            h.sm.apply(++h.index, h.nowMs, new LockCommand.Acquire("k" + (i + 1), X, "c" + i, 1_000, true).encode());
        }
        var r = h.lock("k0", X, "c" + (n - 1));
        assertEquals(409, r.status());
        assertEquals(n, r.body().get("cycle").size());
    }
}
