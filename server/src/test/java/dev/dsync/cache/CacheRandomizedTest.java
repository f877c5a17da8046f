package dev.dsync.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.dsync.statemachine.ApplyResult;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Thousands of random commands over 3 nodes and few keys (so sharing, downgrades, invalidations,
 * stale fills and cas races are common). After every apply: the invariants hold, the answer is the
 * reference model's, every node's line is the model's (so no holder keeps a value older than the
 * last write), and every write's version is above all earlier versions of its key, deletes
 * included. A twin restored from a snapshot must answer every later command identically and end
 * with the same snapshot bytes.
 */
class CacheRandomizedTest {
    private static final int STEPS = 5_000;
    private static final List<String> NODES = List.of("n1", "n2", "n3");
    private static final List<String> KEYS = List.of("a", "b", "c", "d");
    private static final byte[] MALFORMED = "{\"op\":\"put\",\"key\":\"a\",\"val\":null,\"writer\":\"n1\"}"
            .getBytes(StandardCharsets.UTF_8);

    private Random random;
    private final CacheHarness h = new CacheHarness();
    private final CacheModel model = new CacheModel(NODES);
    /** Per key, the highest version any write (put, cas, del) of it was given. */
    private final Map<String, Long> lastWriteVersion = new HashMap<>();
    private final Map<String, Integer> statesSeen = new HashMap<>();
    private CacheStateMachine twin;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 20240601})
    void randomCommandsMatchTheModelAndKeepEveryInvariant(long seed) {
        random = new Random(seed);
        int[] statuses = new int[600];
        for (int step = 0; step < STEPS; step++) {
            h.nowMs += random.nextInt(10) == 0 ? -random.nextInt(1_000) : random.nextInt(200);
            CacheCommand command = randomCommand();
            byte[] bytes = command == null ? MALFORMED : command.encode();
            ApplyResult result = h.raw(bytes); // checks CacheInvariants
            statuses[result.status()]++;
            String where = "seed " + seed + " step " + step + " " + command;
            if (command == null) {
                assertEquals(400, result.status(), where);
            } else {
                assertEquals(model.apply(h.index, command), result, where);
                checkVersionGrows(command, result, where);
            }
            assertSameLines(where);
            if (twin != null) {
                assertEquals(result, twin.apply(h.index, h.nowMs, bytes), "restored twin diverged at " + where);
            }
            if (step % 700 == 350) {
                twin = new CacheStateMachine();
                twin.restore(h.sm.snapshot());
                CacheInvariants.check(twin);
                assertArrayEquals(h.sm.snapshot(), twin.snapshot(), where);
            }
        }
        assertArrayEquals(h.sm.snapshot(), twin.snapshot());
        // Every kind of answer and every line state showed up, so the run exercised every rule.
        for (int status : new int[] {200, 400, 404, 409}) {
            assertTrue(statuses[status] > 0, "no " + status + " answers with seed " + seed);
        }
        for (String state : List.of("M", "E", "S")) {
            assertTrue(statesSeen.getOrDefault(state, 0) > 0, "no line in " + state + " with seed " + seed);
        }
        assertTrue(h.sm.invalidationsTotal() > 0 && h.sm.downgradesTotal() > 0 && h.sm.staleFillsTotal() > 0
                && h.sm.evictionsTotal() > 0, "a rule never fired with seed " + seed);
    }

    /** A random command; null stands for a malformed one. */
    private CacheCommand randomCommand() {
        String node = NODES.get(random.nextInt(NODES.size()));
        String key = KEYS.get(random.nextInt(KEYS.size()));
        int roll = random.nextInt(100);
        if (roll < 22) {
            return new CacheCommand.Put(key, randomValue(), node);
        }
        if (roll < 32) {
            JsonNode expected = switch (random.nextInt(4)) {
                case 0, 1 -> model.value(key);         // usually the current value (null if absent)
                case 2 -> NullNode.getInstance();
                default -> randomValue();
            };
            return new CacheCommand.Cas(key, expected, randomValue(), node);
        }
        if (roll < 39) {
            return new CacheCommand.Del(key, node);
        }
        if (roll < 75) {
            // Mostly a read-through at the current version; sometimes one a write overtook.
            long current = model.version(key);
            boolean stale = current == 0 || random.nextInt(5) == 0;
            return new CacheCommand.Fill(key, node, stale ? 1 + random.nextInt((int) h.index + 1) : current);
        }
        if (roll < 95) {
            return new CacheCommand.Evict(key, node);
        }
        if (roll < 98) {
            return new CacheCommand.DropNode(node);
        }
        return null;
    }

    private JsonNode randomValue() {
        return switch (random.nextInt(3)) {
            case 0 -> IntNode.valueOf(random.nextInt(4));
            case 1 -> TextNode.valueOf("v" + random.nextInt(4));
            default -> JsonNodeFactory.instance.objectNode().put("n", random.nextInt(3));
        };
    }

    /** A write's version is above every earlier version of its key, deleted or not. */
    private void checkVersionGrows(CacheCommand command, ApplyResult result, String where) {
        String key = switch (command) {
            case CacheCommand.Put p -> p.key();
            case CacheCommand.Cas c -> c.key();
            case CacheCommand.Del d -> d.key();
            default -> null;
        };
        if (key == null || result.status() != 200) {
            return;
        }
        long version = result.body().get("version").asLong();
        long previous = lastWriteVersion.getOrDefault(key, 0L);
        assertTrue(version > previous, where + ": version " + version + " not above " + previous);
        lastWriteVersion.put(key, version);
    }

    /** Every node's line and every key's value are the model's. */
    private void assertSameLines(String where) {
        for (String key : KEYS) {
            JsonNode read = h.sm.read(key);
            assertEquals(model.version(key), read.get("found").asBoolean() ? read.get("version").asLong() : 0, where);
            assertEquals(model.value(key), read.path("val").isMissingNode() ? NullNode.getInstance() : read.get("val"), where);
            for (String node : NODES) {
                String state = model.state(node, key);
                Optional<Line> expected = state.equals("I") ? Optional.empty()
                        : Optional.of(new Line(model.value(key), model.version(key), LineState.valueOf(state), 0));
                // The model does not track when a copy changed state; that is CacheChangesTest's subject.
                Optional<Line> actual = h.sm.line(key, node).map(l -> new Line(l.value(), l.version(), l.state(), 0));
                assertEquals(expected, actual, where + " line of " + node + "/" + key);
                statesSeen.merge(state, 1, Integer::sum);
            }
        }
    }
}
