package dev.dsync.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.statemachine.ApplyResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A deliberately naive reference model of the cache rules: a flat map from (node, key) to a MESI
 * state letter, and per key a value and version, scanned over a fixed, sorted list of nodes. It
 * predicts the full answer of every command, written out independently of the real responses.
 */
final class CacheModel {
    final List<String> nodes;
    final Map<String, JsonNode> values = new HashMap<>();
    final Map<String, Long> versions = new HashMap<>();
    /** "node/key" -> "M", "E" or "S"; absent means I. */
    final Map<String, String> states = new HashMap<>();

    /** @param nodes every node id commands may name, sorted */
    CacheModel(List<String> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    String state(String node, String key) {
        return states.getOrDefault(node + "/" + key, "I");
    }

    long version(String key) {
        return versions.getOrDefault(key, 0L);
    }

    JsonNode value(String key) {
        return values.getOrDefault(key, NullNode.getInstance());
    }

    private List<String> holders(String key) {
        return nodes.stream().filter(n -> !state(n, key).equals("I")).toList();
    }

    ApplyResult apply(long index, CacheCommand command) {
        return switch (command) {
            case CacheCommand.Put p -> write(index, p.key(), p.val(), p.writer());
            case CacheCommand.Cas c -> value(c.key()).equals(c.expected())
                    ? write(index, c.key(), c.val(), c.writer())
                    : answer(409, body().put("error", "cas mismatch").put("version", version(c.key())).set("current", value(c.key())));
            case CacheCommand.Del d -> {
                if (!values.containsKey(d.key())) {
                    yield answer(404, body().put("found", false));
                }
                List<String> invalidated = new ArrayList<>(holders(d.key()));
                invalidated.remove(d.writer());
                nodes.forEach(n -> states.remove(n + "/" + d.key()));
                values.remove(d.key());
                versions.remove(d.key());
                yield written(index, invalidated);
            }
            case CacheCommand.Fill f -> fill(f);
            case CacheCommand.Evict e -> answer(200, body().put("evicted", states.remove(e.node() + "/" + e.key()) != null));
            case CacheCommand.DropNode d -> {
                int dropped = 0;
                for (String key : new ArrayList<>(values.keySet())) {
                    dropped += states.remove(d.node() + "/" + key) != null ? 1 : 0;
                }
                yield answer(200, body().put("dropped", dropped));
            }
        };
    }

    private ApplyResult write(long index, String key, JsonNode value, String writer) {
        List<String> invalidated = new ArrayList<>();
        for (String n : holders(key)) {
            if (!n.equals(writer)) {
                states.remove(n + "/" + key);
                invalidated.add(n);
            }
        }
        states.put(writer + "/" + key, "M");
        values.put(key, value);
        versions.put(key, index); // a write's version is its log index
        return written(index, invalidated);
    }

    private ApplyResult fill(CacheCommand.Fill f) {
        String key = f.key();
        if (version(key) != f.version()) {
            return answer(409, body().put("error", "stale fill").put("version", version(key)));
        }
        String mine = state(f.node(), key);
        ObjectNode body = body();
        ArrayNode downgraded = JsonNodeFactory.instance.arrayNode();
        if (mine.equals("I")) {
            List<String> others = holders(key);
            for (String n : others) {
                if (!state(n, key).equals("S")) {
                    states.put(n + "/" + key, "S");
                    downgraded.add(n);
                }
            }
            mine = others.isEmpty() ? "E" : "S";
            states.put(f.node() + "/" + key, mine);
        }
        body.put("state", mine).put("version", f.version()).set("downgraded", downgraded);
        return answer(200, body);
    }

    private static ApplyResult written(long version, List<String> invalidated) {
        ObjectNode body = body().put("version", version);
        invalidated.forEach(body.putArray("invalidated")::add);
        return answer(200, body);
    }

    private static ObjectNode body() {
        return JsonNodeFactory.instance.objectNode();
    }

    private static ApplyResult answer(int status, JsonNode body) {
        return new ApplyResult(status, body);
    }
}
