package dev.dsync.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.dsync.statemachine.ApplyResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CacheSnapshotTest {
    private final CacheHarness h = new CacheHarness();

    /** Keys in M, E and S, an unheld key, a deleted key, every counter moved, and a clock. */
    private void buildRichState() {
        h.put("n1", "m", "1");                                   // n1 M
        h.run(new CacheCommand.Put("s", JsonNodeFactory.instance.objectNode().put("z", 1).put("a", 2), "n1"));
        h.fill("n2", "s");                                       // n1, n2 S
        h.fill("n3", "s");
        h.put("n2", "e", "x");
        h.evict("n2", "e");
        h.fill("n3", "e");                                       // n3 E
        h.put("n1", "unheld", "u");
        h.drop("n1");                                            // m and unheld lose n1
        h.fill("n2", "m");
        h.put("n3", "gone", "g");
        h.del("n1", "gone");
        h.run(new CacheCommand.Fill("s", "n1", 1));              // stale
        h.put("n2", "s", "overwritten");                         // invalidates n3
        h.fill("n3", "s");
        h.nowMs -= 300;                                          // a slower leader: the clock keeps its maximum
        h.evict("n3", "unheld");                                 // no-op
    }

    @Test
    void restoredMachineIsIdenticalAndBehavesIdentically() {
        buildRichState();
        byte[] image = h.sm.snapshot();
        CacheStateMachine twin = new CacheStateMachine();
        twin.restore(image);
        CacheInvariants.check(twin);
        assertArrayEquals(image, twin.snapshot());
        assertEquals(h.sm.clockMs(), twin.clockMs());
        assertEquals(h.sm.linesByNode(), twin.linesByNode());
        for (String key : List.of("m", "s", "e", "unheld", "gone")) {
            assertEquals(h.sm.directory(key), twin.directory(key));
            assertEquals(h.sm.read(key), twin.read(key));
        }
        assertTrue(h.sm.invalidationsTotal() > 0 && h.sm.downgradesTotal() > 0 && h.sm.staleFillsTotal() > 0
                && h.sm.evictionsTotal() > 0);
        assertEquals(h.sm.invalidationsTotal(), twin.invalidationsTotal());
        assertEquals(h.sm.lastVersion(), twin.lastVersion());

        List<CacheCommand> future = List.of(
                new CacheCommand.Put("gone", IntNode.valueOf(1), "n1"),   // must get a higher version than its del
                new CacheCommand.Fill("e", "n1", h.sm.version("e")),
                new CacheCommand.Cas("s", TextNode.valueOf("overwritten"), IntNode.valueOf(2), "n1"),
                new CacheCommand.Del("m", "n3"),
                new CacheCommand.DropNode("n2"),
                new CacheCommand.Evict("e", "n3"));
        long index = h.index;
        long now = h.nowMs;
        for (CacheCommand command : future) {
            index++;
            now += 1_000;
            ApplyResult expected = h.sm.apply(index, now, command.encode());
            assertEquals(expected, twin.apply(index, now, command.encode()), command::toString);
            assertArrayEquals(h.sm.snapshot(), twin.snapshot());
        }
    }

    @Test
    void restoreReplacesEverything() {
        buildRichState();
        byte[] image = h.sm.snapshot();
        CacheStateMachine other = new CacheStateMachine();
        other.apply(1, 5, new CacheCommand.Put("zzz", IntNode.valueOf(1), "n9").encode());
        other.restore(image);
        assertEquals(0, other.linesHeldBy("n9"));
        assertEquals(0, other.version("zzz"));
        assertArrayEquals(image, other.snapshot());
    }

    @Test
    void emptyMachineRoundTrips() {
        CacheStateMachine twin = new CacheStateMachine();
        byte[] image = new CacheStateMachine().snapshot();
        twin.restore(image);
        assertEquals(0, twin.keyCount());
        assertArrayEquals(image, twin.snapshot());
    }

    private static final String HEAD = "{\"format\":1,\"clockMs\":5,\"lastVersion\":9,\"writesTotal\":2,\"invalidationsTotal\":0,"
            + "\"fillsTotal\":1,\"staleFillsTotal\":0,\"downgradesTotal\":0,\"evictionsTotal\":0,\"keys\":[";

    private static String key(String key, String value, long version, String holders) {
        return "{\"key\":\"" + key + "\",\"value\":" + value + ",\"version\":" + version + ",\"holders\":[" + holders + "]}";
    }

    private static String holder(String node, String state, long version) {
        return "{\"node\":\"" + node + "\",\"state\":\"" + state + "\",\"version\":" + version + ",\"since\":" + (version + 1) + "}";
    }

    private static void assertRefused(String image, String expectedInMessage) {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new CacheStateMachine().restore(image.getBytes(StandardCharsets.UTF_8)), image);
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    @Test
    void corruptOrInconsistentImagesAreRefused() {
        String fine = HEAD + key("a", "1", 3, holder("n1", "S", 3) + "," + holder("n2", "S", 3)) + ","
                + key("b", "{\"x\":[1]}", 9, holder("n1", "M", 9)) + "]}";
        new CacheStateMachine().restore(fine.getBytes(StandardCharsets.UTF_8));

        assertRefused("junk", "corrupt");
        assertRefused("null", "empty");
        assertRefused(fine.replace("\"format\":1", "\"format\":2"), "format");
        assertRefused(fine.replace(",\"keys\":[", ",\"extra\":1,\"keys\":["), "corrupt");
        assertRefused(fine.replace("\"lastVersion\":9,", ""), "corrupt");
        assertRefused(HEAD + key("a", "1", 3, holder("n1", "E", 3) + "," + holder("n2", "S", 3)) + "]}", "M or E");
        assertRefused(HEAD + key("a", "1", 3, holder("n1", "E", 3) + "," + holder("n2", "M", 3)) + "]}", "several nodes in M or E");
        assertRefused(HEAD + key("a", "1", 3, holder("n1", "S", 2)) + "]}", "stale version");
        assertRefused(fine.replace("\"since\":4", "\"since\":2"), "changed before its version was written");
        assertRefused(HEAD + key("a", "1", 10, "") + "]}", "outside");
        assertRefused(HEAD + key("a", "1", 3, "") + "," + key("b", "2", 3, "") + "]}", "also belongs");
        assertRefused(HEAD + key("a", "null", 3, "") + "]}", "");
        assertRefused(HEAD + key("b", "1", 3, "") + "," + key("a", "2", 4, "") + "]}", "ascending");
        assertRefused(HEAD + key("a", "1", 3, holder("n1", "S", 3) + "," + holder("n1", "S", 3)) + "]}", "ascending");
        assertRefused(HEAD + key("a", "1", 3, holder("n1", "X", 3)) + "]}", "corrupt");
        assertRefused(HEAD + key("a", "1", 3, holder("", "S", 3)) + "]}", "unnamed");
    }
}
