package dev.dsync.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The line cache follows the directory, evicts least recently used first, and names the copy it evicted. */
class LineCacheTest {
    private final CacheHarness h = new CacheHarness();

    private LineCache.SyncResult sync(LineCache cache) {
        return cache.sync(h.sm, h.sm.takeChanges());
    }

    @Test
    void evictsTheLeastRecentlyUsedLineAndNamesItsCopy() {
        LineCache cache = new LineCache("n1", 2);
        h.put("n1", "a", "1");
        h.put("n1", "b", "2");
        assertEquals(List.of(), sync(cache).evicted());
        cache.use("a");
        h.put("n1", "c", "3");
        LineCache.SyncResult result = sync(cache);
        assertEquals(List.of("b"), result.evicted());
        assertEquals(List.of(new CacheCommand.Evict("b", "n1", 2)), result.evictions());
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
        // One batch: n1's fill of b pushes a out, then n2's evict of a brings n1's unchanged copy back.
        h.fill("n1", "b");
        h.evict("n2", "a");
        LineCache.SyncResult result = sync(cache);
        assertEquals(List.of("b"), result.evicted(), "a is held again: an evict of it would remove a copy n1 serves");
        assertEquals(List.of(new CacheCommand.Evict("b", "n1", h.sm.line("b", "n1").orElseThrow().since())), result.evictions());
        assertEquals(List.of("a"), List.copyOf(cache.lines().keySet()));
    }
}
