package dev.dsync.cache;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.dsync.statemachine.CommandCodec;

/**
 * The cache service's replicated commands, encoded as JSON with an {@code "op"} discriminator.
 * Constructors validate their arguments, so a decoded command is always well formed.
 *
 * <p>Values are any JSON except null: JSON null stands for "absent" (as in the {@code kv} history
 * model, whose initial value is null), so it cannot be stored. A {@link Cas} whose {@code expected}
 * is JSON null therefore means "only if the key is absent" (create if absent).
 *
 * <p>{@code writer}/{@code node} are cache node ids, e.g. "n1".
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
    @JsonSubTypes.Type(value = CacheCommand.Put.class, name = "put"),
    @JsonSubTypes.Type(value = CacheCommand.Cas.class, name = "cas"),
    @JsonSubTypes.Type(value = CacheCommand.Del.class, name = "del"),
    @JsonSubTypes.Type(value = CacheCommand.Fill.class, name = "fill"),
    @JsonSubTypes.Type(value = CacheCommand.Evict.class, name = "evict"),
    @JsonSubTypes.Type(value = CacheCommand.DropNode.class, name = "drop_node"),
})
public sealed interface CacheCommand {

    CommandCodec<CacheCommand> CODEC = new CommandCodec<>(CacheCommand.class, "cache command");

    default byte[] encode() {
        return CODEC.encode(this);
    }

    /** The key the command is about; null for {@link DropNode}, which is about a node. */
    default String key() {
        return null;
    }

    /** @throws IllegalArgumentException if the bytes are not a valid cache command */
    static CacheCommand decode(byte[] bytes) {
        return CODEC.decode(bytes);
    }

    /** Store {@code val}; the writer ends as the only holder, in M. */
    record Put(String key, JsonNode val, String writer) implements CacheCommand {
        public Put {
            requireName(key, "key");
            requireValue(val, "val");
            requireName(writer, "writer");
        }
    }

    /**
     * Store {@code val} if the current value equals {@code expected} (JSON null: if the key is
     * absent). Equality is JSON equality as Jackson defines it: objects ignore field order,
     * numbers compare by type and value (1 and 1.0 differ).
     */
    record Cas(String key, JsonNode expected, JsonNode val, String writer) implements CacheCommand {
        public Cas {
            requireName(key, "key");
            expected = expected == null || expected.isMissingNode() ? NullNode.getInstance() : expected;
            requireValue(val, "val");
            requireName(writer, "writer");
        }
    }

    /** Remove the key and every copy of it. */
    record Del(String key, String writer) implements CacheCommand {
        public Del {
            requireName(key, "key");
            requireName(writer, "writer");
        }
    }

    /**
     * {@code node} read the key through Raft at {@code version} and installs a copy: E if nobody
     * else holds it, else S (an E or M holder drops to S). Refused if the key moved on since.
     */
    record Fill(String key, String node, long version) implements CacheCommand {
        public Fill {
            requireName(key, "key");
            requireName(node, "node");
            if (version < 1) {
                throw new IllegalArgumentException("version must be positive: " + version);
            }
        }
    }

    /** {@code node} dropped its copy (LRU eviction); idempotent. */
    record Evict(String key, String node) implements CacheCommand {
        public Evict {
            requireName(key, "key");
            requireName(node, "node");
        }
    }

    /** Forget every copy {@code node} holds (its lease ran out, or it restarted); idempotent. */
    record DropNode(String node) implements CacheCommand {
        public DropNode {
            requireName(node, "node");
        }
    }

    private static void requireName(String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " must be a non-empty string");
        }
    }

    private static void requireValue(JsonNode value, String what) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            throw new IllegalArgumentException(what + " must be a JSON value other than null (null means absent)");
        }
    }
}
