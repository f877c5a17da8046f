package dev.dsync.queue;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.dsync.statemachine.CommandCodec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.List;
import java.util.Objects;

/**
 * The queue service's replicated commands, encoded as JSON with an {@code "op"} discriminator.
 * Constructors validate their arguments, so a decoded command is always well formed; the HTTP side
 * checks the same rules first to answer with the offending field's name.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
    @JsonSubTypes.Type(value = QueueCommand.Enqueue.class, name = "enqueue"),
    @JsonSubTypes.Type(value = QueueCommand.Dequeue.class, name = "dequeue"),
    @JsonSubTypes.Type(value = QueueCommand.Ack.class, name = "ack"),
    @JsonSubTypes.Type(value = QueueCommand.Nack.class, name = "nack"),
    @JsonSubTypes.Type(value = QueueCommand.ExpireLeases.class, name = "expire_leases"),
    @JsonSubTypes.Type(value = QueueCommand.ExpireDeliveries.class, name = "expire_deliveries"),
})
public sealed interface QueueCommand {
    int MAX_DELIVERIES_LIMIT = 1_000;
    /** Dequeue from every partition of the queue. */
    int ANY_PARTITION = -1;

    CommandCodec<QueueCommand> CODEC = new CommandCodec<>(QueueCommand.class, "queue command");

    default byte[] encode() {
        return CODEC.encode(this);
    }

    /** @throws IllegalArgumentException if the bytes are not a valid queue command */
    static QueueCommand decode(byte[] bytes) {
        return CODEC.decode(bytes);
    }

    /** Append a message; its id becomes this command's log index. {@code value} may be JSON null. */
    record Enqueue(String queue, String key, JsonNode value, int maxDeliveries) implements QueueCommand {
        public Enqueue {
            if (!QueueNames.isEnqueueable(queue)) {
                throw new IllegalArgumentException("not a queue one may enqueue to: " + queue);
            }
            requireName(key, "key");
            value = value == null ? NullNode.getInstance() : value;
            if (maxDeliveries < 1 || maxDeliveries > MAX_DELIVERIES_LIMIT) {
                throw new IllegalArgumentException("maxDeliveries out of range: " + maxDeliveries);
            }
        }
    }

    /**
     * Lease the oldest deliverable message of the queue (or of one partition) for {@code visibilityMs}.
     * {@code consumerId} may be null.
     */
    record Dequeue(String queue, String consumerId, long visibilityMs, int partition) implements QueueCommand {
        public Dequeue {
            if (!QueueNames.isValid(queue)) {
                throw new IllegalArgumentException("invalid queue name: " + queue);
            }
            if (visibilityMs <= 0) {
                throw new IllegalArgumentException("visibilityMs must be positive: " + visibilityMs);
            }
            if (partition < ANY_PARTITION || partition >= PartitionRing.PARTITIONS) {
                throw new IllegalArgumentException("no partition " + partition);
            }
        }
    }

    /** Remove a delivered message. {@code receipt} null accepts the latest delivery, whichever it was. */
    record Ack(long msgId, String receipt) implements QueueCommand {
        public Ack {
            requireId(msgId);
        }
    }

    /** End a live delivery early; the message is deliverable again after {@code delayMs}. */
    record Nack(long msgId, String receipt, long delayMs) implements QueueCommand {
        public Nack {
            requireId(msgId);
            requireName(receipt, "receipt");
            if (delayMs < 0) {
                throw new IllegalArgumentException("delayMs must not be negative: " + delayMs);
            }
        }
    }

    /**
     * Leader duty of earlier versions, still applied when replaying their logs: end the listed
     * deliveries whose wall-clock deadline is before this command's time. Unsafe when leaders' clocks
     * disagree; see {@link ExpireDeliveries}.
     */
        record ExpireLeases(List<Long> msgIds) implements QueueCommand {
        public ExpireLeases {
            msgIds = List.copyOf(Objects.requireNonNull(msgIds, "msgIds"));
        }
    }

    /**
     * Leader duty: end delivery number {@code deliveries[i]} of message {@code msgIds[i]}, if it is
     * still the live one. When is decided by the leader alone, on its own monotonic clock.
     */
    record ExpireDeliveries(List<Long> msgIds, List<Integer> deliveries) implements QueueCommand {
        public ExpireDeliveries {
            msgIds = List.copyOf(Objects.requireNonNull(msgIds, "msgIds"));
            deliveries = List.copyOf(Objects.requireNonNull(deliveries, "deliveries"));
            if (msgIds.size() != deliveries.size()) {
                throw new IllegalArgumentException("one delivery number per message: " + msgIds.size() + " ids, "
                        + deliveries.size() + " numbers");
            }
        }
    }

    private static void requireName(String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " must be a non-empty string");
        }
    }

    private static void requireId(long msgId) {
        if (msgId < 1) {
            throw new IllegalArgumentException("msgId must be positive: " + msgId);
        }
    }
}
