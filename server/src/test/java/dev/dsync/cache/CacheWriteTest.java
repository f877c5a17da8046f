package dev.dsync.cache;

import static dev.dsync.cache.CacheHarness.assertStatus;
import static dev.dsync.cache.CacheHarness.assertWritten;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.dsync.statemachine.ApplyResult;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Put, cas and del: versions, the writer's M line, and which copies are invalidated. */
class CacheWriteTest {
    private final CacheHarness h = new CacheHarness();

    @Test
    void putByANonHolderMakesItTheOnlyHolderInM() {
        assertWritten(h.put("n1", "k", "a"), 1, List.of());
        assertEquals("M", h.state("k", "n1"));
        h.fill("n2", "k");                              // n1 drops to S, n2 S
        h.fill("n3", "k");
        assertWritten(h.put("n1", "other", "x"), 4, List.of());
        ApplyResult r = h.put("n4", "k", "b");          // n4 holds nothing yet
        assertWritten(r, 5, List.of("n1", "n2", "n3"));
        assertEquals(Set.of("n4"), h.sm.holdersOf("k"));
        assertEquals(new Line(TextNode.valueOf("b"), 5, LineState.M, 5), h.sm.line("k", "n4").orElseThrow());
        assertEquals(3, h.sm.invalidationsTotal());
    }

    @Test
    void putByAnSHolderMakesItMAndRemovesTheOthers() {
        h.put("n1", "k", "a");
        h.fill("n2", "k");
        h.fill("n3", "k");
        assertEquals(List.of("S", "S", "S"), List.of(h.state("k", "n1"), h.state("k", "n2"), h.state("k", "n3")));
        assertWritten(h.put("n2", "k", "b"), 4, List.of("n1", "n3"));
        assertEquals(List.of("I", "M", "I"), List.of(h.state("k", "n1"), h.state("k", "n2"), h.state("k", "n3")));
        assertEquals("b", h.sm.read("k").get("val").asText());
    }

    @Test
    void writeByTheExclusiveHolderTurnsEIntoMSilently() {
        h.put("n1", "k", "a");
        h.evict("n1", "k");
        h.fill("n2", "k");
        assertEquals("E", h.state("k", "n2"));
        assertWritten(h.put("n2", "k", "b"), 4, List.of());
        assertEquals("M", h.state("k", "n2"));
        assertWritten(h.put("n2", "k", "c"), 5, List.of()); // M stays M
        assertEquals(0, h.sm.invalidationsTotal());
    }

    @Test
    void versionsComeFromOneCounterSoADeletedKeyStillMovesForward() {
        h.put("n1", "k", "a");                       // 1
        h.put("n1", "j", "a");                       // 2
        h.nowMs -= 500;                              // a slower leader's clock changes nothing here
        assertWritten(h.del("n1", "k"), 3, List.of());
        assertEquals(0, h.sm.version("k"));
        assertFalse(h.sm.read("k").get("found").asBoolean());
        assertWritten(h.put("n2", "k", "b"), 4, List.of());
        assertEquals(4, h.sm.version("k"));
        assertEquals(4, h.sm.lastVersion());
        assertEquals(1_000_000, h.sm.clockMs());
    }

    @Test
    void delRemovesEveryCopyAndListsTheOtherHolders() {
        h.put("n1", "k", "a");
        h.fill("n2", "k");
        h.fill("n3", "k");
        assertWritten(h.del("n2", "k"), 4, List.of("n1", "n3"));   // the writer's own copy goes too
        assertEquals(Set.of(), h.sm.holdersOf("k"));
        assertEquals(0, h.sm.linesHeldBy("n2"));
        assertEquals(0, h.sm.keyCount());
        assertEquals(2, h.sm.invalidationsTotal());
    }

    @Test
    void delOfAnAbsentKeyIsNotFoundAndIssuesNoVersion() {
        ApplyResult r = h.del("n1", "nothing");
        assertStatus(404, r);
        assertFalse(r.body().get("found").asBoolean());
        assertEquals(0, h.sm.lastVersion());
        assertEquals(0, h.sm.writesTotal());
    }

    @Test
    void casSucceedsOnTheExpectedValueLikeAPut() {
        h.put("n1", "k", "a");
        h.fill("n2", "k");
        assertWritten(h.cas("n3", "k", TextNode.valueOf("a"), "b"), 3, List.of("n1", "n2"));
        assertEquals("M", h.state("k", "n3"));
        assertEquals("b", h.sm.read("k").get("val").asText());
    }

    @Test
    void casMismatchChangesNothingAndReportsTheCurrentValue() {
        h.put("n1", "k", "a");
        h.fill("n2", "k");
        byte[] before = h.sm.snapshot();
        ApplyResult r = h.cas("n2", "k", TextNode.valueOf("zzz"), "b");
        assertStatus(409, r);
        assertEquals("cas mismatch", r.body().get("error").asText());
        assertEquals(TextNode.valueOf("a"), r.body().get("current"));
        assertEquals(1, r.body().get("version").asLong());
        assertEquals("S", h.state("k", "n2"));
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, h.sm.snapshot());
    }

    @Test
    void casWithNullExpectedCreatesOnlyAnAbsentKey() {
        assertWritten(h.cas("n1", "k", NullNode.getInstance(), "a"), 1, List.of());
        ApplyResult again = h.cas("n2", "k", NullNode.getInstance(), "b");
        assertStatus(409, again);
        assertEquals(TextNode.valueOf("a"), again.body().get("current"));
        h.del("n1", "k");
        assertWritten(h.cas("n2", "k", NullNode.getInstance(), "c"), 4, List.of());
    }

    @Test
    void casOnAnAbsentKeyWithAValueExpectedIsAMismatchAtVersionZero() {
        ApplyResult r = h.cas("n1", "k", TextNode.valueOf("a"), "b");
        assertStatus(409, r);
        assertTrue(r.body().get("current").isNull());
        assertEquals(0, r.body().get("version").asLong());
        assertEquals(0, h.sm.keyCount());
    }

    @Test
    void casComparesJsonValuesNotTheirText() {
        var obj = JsonNodeFactory.instance.objectNode().put("a", 1).put("b", 2);
        h.run(new CacheCommand.Put("k", obj, "n1"));
        var reordered = JsonNodeFactory.instance.objectNode().put("b", 2).put("a", 1);
        assertStatus(200, h.run(new CacheCommand.Cas("k", reordered, IntNode.valueOf(7), "n1")));
        assertStatus(409, h.run(new CacheCommand.Cas("k", TextNode.valueOf("7"), IntNode.valueOf(8), "n1")));
    }

    @Test
    void malformedCommandsAreRefusedOnEveryReplicaAlike() {
        ApplyResult r = h.raw("{\"op\":\"put\",\"key\":\"k\",\"val\":null,\"writer\":\"n1\"}".getBytes());
        assertStatus(400, r);
        assertEquals(0, h.sm.keyCount());
        assertStatus(400, h.raw(new byte[] {1, 2, 3}));
    }
}
