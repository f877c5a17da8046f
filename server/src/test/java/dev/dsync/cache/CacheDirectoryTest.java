package dev.dsync.cache;

import static dev.dsync.cache.CacheHarness.assertFilled;
import static dev.dsync.cache.CacheHarness.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.dsync.statemachine.ApplyResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Fill, evict and drop-node, and the queries the node side reads the directory with. */
class CacheDirectoryTest {
    private final CacheHarness h = new CacheHarness();

    /** Puts "a" by n1, then n1 evicts: the key is stored at version 1 with no holder. */
    private void storedUnheld() {
        h.put("n1", "k", "a");
        h.evict("n1", "k");
    }

    @Test
    void firstFillIsExclusiveAndASecondMakesBothShared() {
        storedUnheld();
        assertFilled(h.fill("n1", "k"), LineState.E, 1, List.of());
        assertFilled(h.fill("n2", "k"), LineState.S, 1, List.of("n1"));
        assertEquals("S", h.state("k", "n1"));
        assertEquals("S", h.state("k", "n2"));
        assertFilled(h.fill("n3", "k"), LineState.S, 1, List.of());
        assertEquals(3, h.sm.fillsTotal());
        assertEquals(1, h.sm.downgradesTotal());
    }

    @Test
    void fillBesideAnMHolderDropsItToS() {
        h.put("n1", "k", "a");
        assertFilled(h.fill("n2", "k"), LineState.S, 1, List.of("n1"));
        // n1 wrote at index 1 and was downgraded by n2's fill at index 2: its copy changed state there.
        assertEquals(new Line(TextNode.valueOf("a"), 1, LineState.S, 2), h.sm.line("k", "n1").orElseThrow());
        assertEquals(new Line(TextNode.valueOf("a"), 1, LineState.S, 2), h.sm.line("k", "n2").orElseThrow());
    }

    @Test
    void refillByAHolderChangesNothing() {
        h.put("n1", "k", "a");
        byte[] before = h.sm.snapshot();
        assertFilled(h.fill("n1", "k"), LineState.M, 1, List.of());
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, h.sm.snapshot());
    }

    @Test
    void staleFillIsRefusedAndChangesNothing() {
        h.put("n1", "k", "a");
        h.put("n1", "k", "b");
        ApplyResult r = h.run(new CacheCommand.Fill("k", "n2", 1));
        assertStatus(409, r);
        assertEquals("stale fill", r.body().get("error").asText());
        assertEquals(2, r.body().get("version").asLong());
        assertEquals(Set.of("n1"), h.sm.holdersOf("k"));
        assertEquals("M", h.state("k", "n1"));
        assertEquals(1, h.sm.staleFillsTotal());
    }

    @Test
    void fillOfADeletedKeyIsStaleAtVersionZero() {
        h.put("n1", "k", "a");
        h.del("n1", "k");
        ApplyResult r = h.run(new CacheCommand.Fill("k", "n2", 1));
        assertStatus(409, r);
        assertEquals(0, r.body().get("version").asLong());
        assertEquals(0, h.sm.keyCount());
    }

    @Test
    void evictForgetsTheCopyButKeepsTheValueAndIsIdempotent() {
        h.put("n1", "k", "a");
        h.fill("n2", "k");
        ApplyResult r = h.evict("n2", "k");
        assertStatus(200, r);
        assertTrue(r.body().get("evicted").asBoolean());
        assertFalse(h.evict("n2", "k").body().get("evicted").asBoolean());
        assertFalse(h.evict("n2", "never").body().get("evicted").asBoolean());
        assertEquals(Set.of("n1"), h.sm.holdersOf("k"));
        assertEquals("S", h.state("k", "n1"), "MESI: an S line stays S when the other copies go");
        h.evict("n1", "k");
        assertEquals(Set.of(), h.sm.holdersOf("k"));
        assertEquals("a", h.sm.read("k").get("val").asText(), "the log, not the caches, stores the value");
        assertEquals(2, h.sm.evictionsTotal());
    }

    @Test
    void dropNodeForgetsAllItsCopiesAndIsIdempotent() {
        h.put("n1", "a", "1");
        h.put("n1", "b", "2");
        h.fill("n2", "b");
        h.put("n3", "c", "3");
        assertEquals(2, h.sm.linesHeldBy("n1"));
        ApplyResult r = h.drop("n1");
        assertEquals(2, r.body().get("dropped").asInt());
        assertEquals(0, h.sm.linesHeldBy("n1"));
        assertEquals(List.of(), h.sm.keysHeldBy("n1"));
        assertEquals(Set.of("n2"), h.sm.holdersOf("b"));
        assertEquals(0, h.drop("n1").body().get("dropped").asInt());
        assertEquals(0, h.drop("nobody").body().get("dropped").asInt());
        assertEquals(Map.of("n2", 1, "n3", 1), h.sm.linesByNode());
    }

    @Test
    void queriesDescribeTheKeyAndItsHolders() {
        assertEquals(Optional.empty(), h.sm.line("k", "n1"));
        assertEquals("{\"found\":false}", h.sm.read("k").toString());
        assertEquals("{\"key\":\"k\",\"found\":false,\"version\":0,\"holders\":{}}", h.sm.directory("k").toString());
        h.put("n2", "k", "a");
        h.fill("n1", "k");
        assertEquals("{\"found\":true,\"key\":\"k\",\"val\":\"a\",\"version\":1}", h.sm.read("k").toString());
        assertEquals("{\"key\":\"k\",\"found\":true,\"version\":1,\"holders\":{\"n1\":\"S\",\"n2\":\"S\"}}",
                h.sm.directory("k").toString());
        assertEquals(List.of("k"), h.sm.keysHeldBy("n1"));
        assertEquals(1, h.sm.keyCount());
    }
}
