package dev.dsync.lock;

import static dev.dsync.lock.LockMode.S;
import static dev.dsync.lock.LockMode.X;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dsync.statemachine.ApplyResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LockSnapshotTest {
    private final LockHarness h = new LockHarness();

    /** Holders of both modes, a pending upgrade, waiters, leases, counters and a clock. */
    private void buildRichState() {
        h.tryLock("k1", S, "a");
        h.tryLock("k1", S, "b");
        h.lock("k1", X, "c");
        h.lock("k1", X, "a");   // pending upgrade, head of the queue
        h.lock("k1", S, "d");
        h.tryLock("k2", X, "d");
        h.lock("k2", X, "b");   // refused: b -> d -> a (pending upgrade) -> b
        h.lock("k2", S, "g");   // queued behind d
        h.run(new LockCommand.Acquire("k3", X, "e", 100, false));
        h.nowMs += 500;
        h.expire("e");
        h.nowMs -= 200;         // a slower leader: the clock must stay at the maximum
    }

    private static void assertSameAnswer(ApplyResult expected, ApplyResult actual) {
        assertEquals(expected.status(), actual.status());
        assertEquals(expected.body(), actual.body());
    }

    @Test
    void restoredMachineBehavesIdentically() {
        buildRichState();
        assertEquals(1, h.sm.deadlocksTotal());
        assertEquals(List.of("a", "c", "d"), h.waiters("k1"));
        assertEquals(List.of("g"), h.waiters("k2"));
        byte[] image = h.sm.snapshot();
        LockStateMachine twin = new LockStateMachine();
        twin.restore(image);
        LockInvariants.check(twin);
        assertArrayEquals(image, twin.snapshot());
        assertEquals(h.sm.clockMs(), twin.clockMs());
        assertEquals(h.sm.deadlocksTotal(), twin.deadlocksTotal());
        assertEquals(1, twin.expiredTotal());
        assertEquals(h.sm.status("k1"), twin.status("k1"));
        h.sm.takeRecentGrants();

        List<LockCommand> future = List.of(
                new LockCommand.Release("k1", "b"),
                new LockCommand.Renew("c"),
                new LockCommand.Acquire("k2", S, "f", 1_000, true),
                new LockCommand.Release("k1", "a"),
                new LockCommand.CancelWait("k1", "d"),
                new LockCommand.Expire(List.of("a", "b", "c", "d", "f")),
                new LockCommand.Release("k2", "d"));
        long index = h.index;
        long now = h.nowMs;
        for (LockCommand command : future) {
            index++;
            now += 20_000;
            assertSameAnswer(h.sm.apply(index, now, command.encode()), twin.apply(index, now, command.encode()));
            assertEquals(h.sm.takeRecentGrants(), twin.takeRecentGrants());
            assertArrayEquals(h.sm.snapshot(), twin.snapshot());
        }
    }

    @Test
    void restoreReplacesEverythingAndDropsRecentGrants() {
        buildRichState();
        byte[] image = h.sm.snapshot();
        LockStateMachine other = new LockStateMachine();
        other.apply(1, 5, new LockCommand.Acquire("zzz", X, "q", 10, false).encode());
        other.restore(image);
        assertEquals(List.of(), other.takeRecentGrants());
        assertEquals(0, other.status("zzz").get("holders").size());
        assertArrayEquals(image, other.snapshot());
    }

    @Test
    void emptyMachineRoundTrips() {
        LockStateMachine twin = new LockStateMachine();
        twin.restore(new LockStateMachine().snapshot());
        assertEquals(0, twin.heldCount());
    }

    @Test
    void corruptOrInconsistentImagesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LockStateMachine().restore("junk".getBytes()));
        String holderWithoutLease = "{\"format\":1,\"clockMs\":5,\"expiredTotal\":0,\"deadlocksTotal\":0,\"lastIssuedFence\":3,"
                + "\"keys\":[{\"key\":\"k\",\"lastFence\":3,\"holders\":[{\"clientId\":\"a\",\"mode\":\"X\",\"fence\":3}],"
                + "\"queue\":[]}],\"leases\":[]}";
        assertThrows(IllegalArgumentException.class,
                () -> new LockStateMachine().restore(holderWithoutLease.getBytes(StandardCharsets.UTF_8)));
        String twoExclusive = "{\"format\":1,\"clockMs\":5,\"expiredTotal\":0,\"deadlocksTotal\":0,\"lastIssuedFence\":3,"
                + "\"keys\":[{\"key\":\"k\",\"lastFence\":3,\"holders\":[{\"clientId\":\"a\",\"mode\":\"X\",\"fence\":3},"
                + "{\"clientId\":\"b\",\"mode\":\"X\",\"fence\":2}],\"queue\":[]}],"
                + "\"leases\":[{\"clientId\":\"a\",\"deadlineMs\":9,\"ttlMs\":4},{\"clientId\":\"b\",\"deadlineMs\":9,\"ttlMs\":4}]}";
        var e = assertThrows(IllegalArgumentException.class,
                () -> new LockStateMachine().restore(twoExclusive.getBytes(StandardCharsets.UTF_8)));
        assertEquals(true, e.getMessage().contains("X holder shares the key"), e.getMessage());
    }
}
