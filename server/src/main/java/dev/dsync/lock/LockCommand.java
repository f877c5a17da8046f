package dev.dsync.lock;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * The lock service's replicated commands, encoded as JSON with an {@code "op"} discriminator.
 * Constructors validate their arguments, so a decoded command is always well formed.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
    @JsonSubTypes.Type(value = LockCommand.Acquire.class, name = "acquire"),
    @JsonSubTypes.Type(value = LockCommand.Release.class, name = "release"),
    @JsonSubTypes.Type(value = LockCommand.Renew.class, name = "renew"),
    @JsonSubTypes.Type(value = LockCommand.CancelWait.class, name = "cancel_wait"),
    @JsonSubTypes.Type(value = LockCommand.Expire.class, name = "expire"),
})
public sealed interface LockCommand {

    default byte[] encode() {
        try {
            return LockCodec.JSON.writerFor(LockCommand.class).writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + this, e);
        }
    }

    /** @throws IllegalArgumentException if the bytes are not a valid lock command */
    static LockCommand decode(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("null lock command");
        }
        try {
            LockCommand command = LockCodec.JSON.readValue(bytes, LockCommand.class);
            if (command == null) {
                throw new IllegalArgumentException("empty lock command");
            }
            return command;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("malformed lock command", e);
        }
    }

    /**
     * Take {@code key} in {@code mode}; wait in its queue if busy and {@code queueIfBusy}.
     * {@code ttlMs} (> 0) becomes the client's lease length.
     */
    record Acquire(String key, LockMode mode, String clientId, long ttlMs, boolean queueIfBusy) implements LockCommand {
        public Acquire {
            requireName(key, "key");
            Objects.requireNonNull(mode, "mode");
            requireName(clientId, "clientId");
            if (ttlMs <= 0) {
                throw new IllegalArgumentException("ttlMs must be positive: " + ttlMs);
            }
        }
    }

    /** Give up {@code key}, whether held or still waited for. */
    record Release(String key, String clientId) implements LockCommand {
        public Release {
            requireName(key, "key");
            requireName(clientId, "clientId");
        }
    }

    /** Push the client's lease deadline out by its last ttl. */
    record Renew(String clientId) implements LockCommand {
        public Renew {
            requireName(clientId, "clientId");
        }
    }

    /** A blocking acquire gave up waiting: withdraw the request unless it was granted meanwhile. */
    record CancelWait(String key, String clientId) implements LockCommand {
        public CancelWait {
            requireName(key, "key");
            requireName(clientId, "clientId");
        }
    }

    /** Leader duty: drop the listed clients whose lease deadline has passed at this command's time. */
    record Expire(List<String> clientIds) implements LockCommand {
        public Expire {
            clientIds = List.copyOf(Objects.requireNonNull(clientIds, "clientIds"));
        }
    }

    private static void requireName(String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " must be a non-empty string");
        }
    }
}
