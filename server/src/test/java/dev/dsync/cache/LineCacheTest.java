package dev.dsync.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The line cache follows the directory and evicts the least recently used line first. */
class LineCacheTest {
    private final CacheHarness h = new CacheHarness();

    private LineCache.SyncResult sync(LineCache cache) {
        return cache.sync(h.sm, h.sm.takeChanges());
    }

    @Test
    void evictsTheLeastRecentlyUsedLine() {
        LineCache cache = new LineCache("n1", 2);
        h.put("n1", "a", "1");
        h.put("n1", "b", "2");
        assertEquals(List.of(), sync(cache).evicted());
        cache.use("a");
        h.put("n1", "c", "3");
        assertEquals(List.of("b"), sync(cache).evicted());
        assertNull(cache.peek("b"));
        assertEquals(List.of("a", "c"), List.copyOf(cache.lines().keySet()));
    }

    @Test
    void aKeyEvictedAndInstalledAgainInOneSyncIsNotReportedEvicted() {
        LineCache cache = new LineCache("n1", 1);
        h.put("n1", "a", "1");
        h.fill("n2", "a");                                       // n1, n2 S
        h.put("n2", "b", "2");
        sync(cache);
        assertEquals(List.of("a"), List.copyOf(cache.lines().keySet()));
        // One batch: n1's fill of b pushes a out, then n2's evict of a brings n1's copy back.
        h.fill("n1", "b");
        h.evict("n2", "a");
        assertEquals(List.of("b"), sync(cache).evicted(), "n1 holds a: an evict of it would throw away a line it just took back");
        assertEquals(List.of("a"), List.copyOf(cache.lines().keySet()));
    }
}
