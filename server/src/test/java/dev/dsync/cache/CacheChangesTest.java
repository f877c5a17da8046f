package dev.dsync.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which changes other holders (or the evicting node) must have applied before anything depending on them is answered. */
class CacheChangesTest {
    private final CacheHarness h = new CacheHarness();

    @Test
    void writesAwaitTheInvalidatedAndTheWritersOldCopyFillsTheDowngradedEvictsTheEvictingNode() {
        h.put("n1", "k", "a");
        h.fill("n2", "k");                                       // downgrades n1
        h.fill("n3", "k");                                       // n1, n2, n3 S: nobody downgraded
        h.put("n2", "k", "b");                                   // invalidates n1, n3
        h.fill("n3", "k");                                       // downgrades n2
        h.evict("n3", "k");
        h.evict("n3", "k");                                      // held nothing: no change
        h.drop("n2");
        h.put("n1", "j", "x");                                   // nobody held j: nothing to await
        h.del("n1", "j");                                        // n1's own M copy goes
        CacheChanges changes = h.sm.takeChanges();
        assertEquals(List.of(
                new CacheChanges.Change(2, "k", List.of("n1")),
                new CacheChanges.Change(4, "k", List.of("n1", "n3", "n2")),  // n2 wrote over its own S copy
                new CacheChanges.Change(5, "k", List.of("n2")),
                new CacheChanges.Change(6, "k", List.of("n3")),
                new CacheChanges.Change(10, "j", List.of("n1"))), changes.awaited());
        assertEquals(Set.of("k", "j"), changes.keys());
        assertEquals(Set.of("n2"), changes.droppedNodes());
        assertTrue(h.sm.takeChanges().isEmpty(), "taken changes are forgotten");
    }
}
