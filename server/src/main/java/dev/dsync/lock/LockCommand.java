package dev.dsync.lock;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.dsync.statemachine.CommandCodec;
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
    @JsonSubTypes.Type(value = LockCommand.ExpireUnrenewed.class, name = "expire_unrenewed"),
})
public sealed interface LockCommand {

    CommandCodec<LockCommand> CODEC = new CommandCodec<>(LockCommand.class, "lock command");

    default byte[] encode() {
        return CODEC.encode(this);
    }

    /** @throws IllegalArgumentException if the bytes are not a valid lock command */
    static LockCommand decode(byte[] bytes) {
        return CODEC.decode(bytes);
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

    /**
     * Leader duty of earlier versions, still applied when replaying their logs: drop the listed
     * clients whose wall-clock deadline has passed at this command's time. Unsafe when leaders'
     * clocks disagree (a leader whose clock is ahead expires leases early); see {@link ExpireUnrenewed}.
     */
    record Expire(List<String> clientIds) implements LockCommand {
        public Expire {
            clientIds = List.copyOf(Objects.requireNonNull(clientIds, "clientIds"));
        }
    }

    /**
     * Leader duty: drop each listed client unless its lease was refreshed since the leader counted
     * it out, i.e. unless its refresh index is no longer {@code refreshIndexes[i]}. When it is time
     * is decided by the leader alone, on its own monotonic clock ({@code LeaderCountdowns}).
     */
    record ExpireUnrenewed(List<String> clientIds, List<Long> refreshIndexes) implements LockCommand {
        public ExpireUnrenewed {
            clientIds = List.copyOf(Objects.requireNonNull(clientIds, "clientIds"));
            refreshIndexes = List.copyOf(Objects.requireNonNull(refreshIndexes, "refreshIndexes"));
            if (clientIds.size() != refreshIndexes.size()) {
                throw new IllegalArgumentException("one refresh index per client: " + clientIds.size() + " ids, "
                        + refreshIndexes.size() + " indexes");
            }
            clientIds.forEach(id -> requireName(id, "clientId"));
        }
    }

    private static void requireName(String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " must be a non-empty string");
        }
    }
}
