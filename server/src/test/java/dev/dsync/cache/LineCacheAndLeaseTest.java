package dev.dsync.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A node's line cache follows its applied directory, evicts least recently used first; leases decide what is served. */
class LineCacheAndLeaseTest {
    private final CacheHarness h = new CacheHarness();
    private final LineCache lines = new LineCache("n1", 2);

    private LineCache.SyncResult sync() {
        return lines.sync(h.sm, h.sm.takeChanges());
    }

    @Test
    void linesMirrorTheDirectoryAndTheLeastRecentlyUsedGoesFirst() {
        h.put("n1", "a", "1");
        h.put("n1", "b", "2");
        assertEquals(new LineCache.SyncResult(List.of(), 0), sync());
        assertEquals(LineState.M, lines.peek("a").state());
        lines.use("a"); // b is now the least recently used
        h.put("n1", "c", "3");
        assertEquals(List.of("b"), sync().evicted());
        assertNull(lines.peek("b"));
        assertEquals(List.of("a", "c"), List.copyOf(lines.lines().keySet()));

        h.fill("n2", "a"); // n1 drops to S
        sync();
        assertEquals(LineState.S, lines.peek("a").state());
        assertEquals(h.index, lines.peek("a").since(), "the downgrade is when the copy got its state");
        h.put("n3", "a", "x"); // invalidates n1
        assertEquals(1, sync().invalidated());
        assertNull(lines.peek("a"));
        assertEquals(Map.of(LineState.M, 1, LineState.E, 0, LineState.S, 0), lines.countByState());
    }

    @Test
    void aRestoreRebuildsEveryLine() {
        h.put("n1", "a", "1");
        h.put("n2", "b", "2");
        h.fill("n1", "b");
        sync();
        CacheStateMachine twin = new CacheStateMachine();
        twin.restore(h.sm.snapshot());
        LineCache fresh = new LineCache("n1", 5);
        LineCache.SyncResult result = fresh.sync(twin, twin.takeChanges());
        assertEquals(0, result.invalidated());
        assertEquals(lines.lines(), fresh.lines());
        assertTrue(twin.takeChanges().isEmpty(), "changes are taken once");
    }

    @Test
    void aLeaseServesOnlyWhileValidCaughtUpAndAtOrBelowTheWatermark() {
        LeaseTiming timing = new LeaseTiming(100, 25, 50);
        Line line = new Line(com.fasterxml.jackson.databind.node.IntNode.valueOf(1), 5, LineState.S, 7);
        ReadLease lease = ReadLease.granted(3, 1_000, timing, 10, 7);
        assertTrue(lease.allowsHit(1_099, 10, line));
        assertFalse(lease.allowsHit(1_100, 10, line), "measured from the request's send time");
        assertFalse(lease.allowsHit(1_050, 9, line), "the node has not applied the read index");
        assertFalse(ReadLease.granted(3, 1_000, timing, 10, 6).allowsHit(1_050, 10, line), "the line's change is not settled");
        assertFalse(lease.allowsHit(1_050, 10, null));
        assertFalse(ReadLease.NONE.allowsHit(0, Long.MAX_VALUE, line));
        ReadLease later = ReadLease.granted(3, 1_030, timing, 10, 7);
        assertEquals(later, lease.newer(later));
        assertEquals(later, later.newer(lease), "a grant arriving late does not shorten the lease");
    }

    @Test
    void leaseTimingKeepsItsBound() {
        assertEquals(211, LeaseTiming.DEFAULT.leaderBoundMs());
        LeaseTiming.DEFAULT.check(300);
        assertThrows(IllegalArgumentException.class, () -> LeaseTiming.DEFAULT.check(211));
        assertThrows(IllegalArgumentException.class, () -> new LeaseTiming(50, 50, 0));
        assertThrows(IllegalArgumentException.class, () -> new LineCache("n1", 0));
    }
}
