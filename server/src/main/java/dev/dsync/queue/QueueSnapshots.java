package dev.dsync.queue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Snapshot images of a {@link QueueTable} as JSON: the counters, every queue name with its
 * dead-letter count, and every unacknowledged message in id order. The key FIFOs, the ready/delayed
 * indexes and the lease index are rebuilt from the messages, so the image is canonical (a restored
 * table snapshots to the same bytes) and is checked with {@link QueueInvariants} before use.
 */
final class QueueSnapshots {
    static final int FORMAT = 2;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    record Image(int format, long clockMs, long enqueuedTotal, long deliveredTotal, long redeliveredTotal,
                 long ackedTotal, long deadLetteredTotal, List<QueueImage> queues, List<MessageImage> messages) {}

    record QueueImage(String name, long deadLetteredTotal) {}

    /** {@code consumerId} and {@code leaseDeadlineMs} matter only when {@code inFlight}. */
    record MessageImage(long id, String queue, String key, JsonNode value, int maxDeliveries, int deliveries,
                        long readyAtMs, boolean inFlight, String consumerId, long leaseDeadlineMs, long leaseMs) {}

    private QueueSnapshots() {}

    /**
     * Format 1 images had no visibility timeout per delivery: take the time the delivery had left at
     * the snapshot's clock (at least 1 ms). The leader counts that down from when it restores.
     */
    private static JsonNode upgradeFormat1(JsonNode tree) {
        if (tree instanceof ObjectNode image && image.path("format").asInt() == 1) {
            long clockMs = image.path("clockMs").asLong();
            for (JsonNode m : image.path("messages")) {
                if (m instanceof ObjectNode message) {
                    message.put("leaseMs", Math.max(1, m.path("leaseDeadlineMs").asLong() - clockMs));
                }
            }
            image.put("format", FORMAT);
        }
        return tree;
    }

    static byte[] encode(QueueTable table) {
        return write(capture(table));
    }

    /** The table as records of values that are never mutated: cheap next to {@link #write}. */
    static Image capture(QueueTable table) {
        List<QueueImage> queues = new ArrayList<>();
        table.queues.values().forEach(q -> queues.add(new QueueImage(q.name, q.deadLetteredTotal)));
        List<MessageImage> messages = new ArrayList<>();
        for (QueueMessage m : table.messages.values()) {
            messages.add(new MessageImage(m.id, m.queue, m.key, m.value, m.maxDeliveries, m.deliveries,
                    m.readyAtMs, m.inFlight, m.consumerId, m.leaseDeadlineMs, m.leaseMs));
        }
        return new Image(FORMAT, table.clockMs, table.enqueuedTotal, table.deliveredTotal,
                table.redeliveredTotal, table.ackedTotal, table.deadLetteredTotal, queues, messages);
    }

    static byte[] write(Image image) {
        try {
            return JSON.writeValueAsBytes(image);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode queue snapshot", e);
        }
    }

    /** @throws IllegalArgumentException if the image is unreadable or describes an inconsistent state */
    static QueueTable decode(byte[] bytes) {
        Image image;
        try {
            image = JSON.treeToValue(upgradeFormat1(JSON.readTree(bytes)), Image.class);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("corrupt queue snapshot", e);
        }
        if (image.format() != FORMAT) {
            throw new IllegalArgumentException("unknown queue snapshot format " + image.format());
        }
        QueueTable table = new QueueTable();
        table.clockMs = image.clockMs();
        table.enqueuedTotal = image.enqueuedTotal();
        table.deliveredTotal = image.deliveredTotal();
        table.redeliveredTotal = image.redeliveredTotal();
        table.ackedTotal = image.ackedTotal();
        table.deadLetteredTotal = image.deadLetteredTotal();
        try {
            for (QueueImage q : image.queues()) {
                table.queueOf(q.name()).deadLetteredTotal = q.deadLetteredTotal();
            }
            long previousId = 0;
            for (MessageImage mi : image.messages()) {
                if (mi.id() <= previousId) {
                    throw new IllegalArgumentException("message ids not strictly increasing at " + mi.id());
                }
                previousId = mi.id();
                if (!table.queues.containsKey(mi.queue())) {
                    throw new IllegalArgumentException("message " + mi.id() + " in unlisted queue " + mi.queue());
                }
                QueueMessage m = new QueueMessage(mi.id(), mi.queue(), mi.key(), mi.value(),
                        PartitionRing.DEFAULT.partitionOf(mi.key()), mi.maxDeliveries(), mi.readyAtMs());
                m.deliveries = mi.deliveries();
                m.inFlight = mi.inFlight();
                m.consumerId = mi.inFlight() ? mi.consumerId() : null;
                m.leaseDeadlineMs = mi.inFlight() ? mi.leaseDeadlineMs() : 0;
                m.leaseMs = mi.inFlight() ? mi.leaseMs() : 0;
                table.insert(m);
            }
            QueueInvariants.check(table);
        } catch (RuntimeException | AssertionError e) {
            throw new IllegalArgumentException("inconsistent queue snapshot: " + e.getMessage(), e);
        }
        return table;
    }
}
