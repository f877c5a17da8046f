package dev.dsync.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.statemachine.LogDriver;
import java.util.ArrayList;
import java.util.List;

/** Drives a {@link CacheStateMachine} like the log would: increasing indexes, checked invariants. */
final class CacheHarness extends LogDriver<CacheStateMachine> {

    CacheHarness() {
        super(new CacheStateMachine(), CacheInvariants::check);
    }

    ApplyResult run(CacheCommand command) {
        return raw(command.encode());
    }

    ApplyResult put(String node, String key, String value) {
        return run(new CacheCommand.Put(key, TextNode.valueOf(value), node));
    }

    ApplyResult cas(String node, String key, JsonNode expected, String value) {
        return run(new CacheCommand.Cas(key, expected, TextNode.valueOf(value), node));
    }

    ApplyResult del(String node, String key) {
        return run(new CacheCommand.Del(key, node));
    }

    /** A read-through by {@code node} at the key's current version, as the node side would do it. */
    ApplyResult fill(String node, String key) {
        return run(new CacheCommand.Fill(key, node, sm.version(key)));
    }

    ApplyResult evict(String node, String key) {
        return run(new CacheCommand.Evict(key, node));
    }

    ApplyResult drop(String node) {
        return run(new CacheCommand.DropNode(node));
    }

    /** "M", "E", "S" or "I" (holds no copy). */
    String state(String key, String node) {
        return sm.line(key, node).map(l -> l.state().name()).orElse("I");
    }

    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    /** A write answer: 200, the version, and which other nodes lost their copy. */
    static void assertWritten(ApplyResult r, long version, List<String> invalidated) {
        assertEquals(200, r.status(), r.body()::toString);
        assertEquals(version, r.body().get("version").asLong(), r.body()::toString);
        assertEquals(invalidated, strings(r.body().get("invalidated")), r.body()::toString);
    }

    static void assertFilled(ApplyResult r, LineState state, long version, List<String> downgraded) {
        assertEquals(200, r.status(), r.body()::toString);
        assertEquals(state.name(), r.body().get("state").asText(), r.body()::toString);
        assertEquals(version, r.body().get("version").asLong(), r.body()::toString);
        assertEquals(downgraded, strings(r.body().get("downgraded")), r.body()::toString);
    }

    static void assertStatus(int status, ApplyResult r) {
        assertEquals(status, r.status(), r.body()::toString);
    }
}
