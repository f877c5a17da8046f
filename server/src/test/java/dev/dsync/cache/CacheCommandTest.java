package dev.dsync.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CacheCommandTest {

    @Test
    void everyCommandRoundTrips() {
        List<CacheCommand> commands = List.of(
                new CacheCommand.Put("k", JsonNodeFactory.instance.objectNode().put("a", 1), "n1"),
                new CacheCommand.Put("k", JsonNodeFactory.instance.arrayNode().add(1).add("x"), "n1"),
                new CacheCommand.Put("k", TextNode.valueOf(""), "n2"),
                new CacheCommand.Cas("k", NullNode.getInstance(), IntNode.valueOf(3), "n1"),
                new CacheCommand.Cas("k", IntNode.valueOf(3), IntNode.valueOf(4), "n3"),
                new CacheCommand.Del("k", "n1"),
                new CacheCommand.Fill("k", "n2", 7),
                new CacheCommand.Evict("k", "n2"),
                new CacheCommand.DropNode("n3"));
        for (CacheCommand command : commands) {
            assertEquals(command, CacheCommand.decode(command.encode()));
        }
    }

    @Test
    void casExpectingAbsenceIsJsonNull() {
        var cas = new CacheCommand.Cas("k", null, IntNode.valueOf(1), "n1");
        assertEquals(NullNode.getInstance(), cas.expected());
        String json = new String(cas.encode(), StandardCharsets.UTF_8);
        assertEquals(cas, CacheCommand.decode(json.getBytes(StandardCharsets.UTF_8)), json);
    }

    @Test
    void invalidCommandsCannotBeBuiltOrDecoded() {
        assertThrows(IllegalArgumentException.class, () -> new CacheCommand.Put("", IntNode.valueOf(1), "n1"));
        assertThrows(IllegalArgumentException.class, () -> new CacheCommand.Put("k", null, "n1"));
        assertThrows(IllegalArgumentException.class, () -> new CacheCommand.Put("k", NullNode.getInstance(), "n1"));
        assertThrows(IllegalArgumentException.class, () -> new CacheCommand.Put("k", IntNode.valueOf(1), ""));
        assertThrows(IllegalArgumentException.class, () -> new CacheCommand.Cas("k", null, NullNode.getInstance(), "n1"));
        assertThrows(IllegalArgumentException.class, () -> new CacheCommand.Del("k", null));
        assertThrows(IllegalArgumentException.class, () -> new CacheCommand.Fill("k", "n1", 0));
        assertThrows(IllegalArgumentException.class, () -> new CacheCommand.Evict(null, "n1"));
        assertThrows(IllegalArgumentException.class, () -> new CacheCommand.DropNode(""));
        for (String bad : List.of("", "null", "{}", "{\"op\":\"nope\"}",
                "{\"op\":\"put\",\"key\":\"k\",\"val\":null,\"writer\":\"n1\"}",
                "{\"op\":\"put\",\"key\":\"k\",\"writer\":\"n1\"}",
                "{\"op\":\"put\",\"key\":\"k\",\"val\":1,\"writer\":\"n1\",\"x\":1}",
                "{\"op\":\"fill\",\"key\":\"k\",\"node\":\"n1\",\"version\":null}",
                "{\"op\":\"evict\",\"key\":\"k\"}")) {
            assertThrows(IllegalArgumentException.class, () -> CacheCommand.decode(bad.getBytes(StandardCharsets.UTF_8)), bad);
        }
    }
}
