package dev.dsync.queue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.statemachine.CommandCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * One unacknowledged message. Key, value, id and partition never change from enqueue to ack, even
 * across redeliveries and a move to the dead-letter queue (the original system lost payloads there).
 * Mutable fields are changed only through {@link QueueTable}, which keeps its indexes in step.
 */
final class QueueMessage {
    /** The log index of the enqueue: unique and strictly increasing in enqueue order. */
    final long id;
    final String key;
    /** Shared, never mutated: answers and snapshots reference it as is. */
    final JsonNode value;
    final int partition;
    final int maxDeliveries;
    /** What the message costs a node, estimated: see {@link #estimatedBytes}. Fixed at enqueue. */
    final long storedBytes;
    /** The queue it is filed in: the one it was sent to, or that queue's dead-letter queue. */
    String queue;
    /** Deliveries so far, the current one included; the receipt of delivery n is "id-n". */
    int deliveries;
    /** Not deliverable before this (nack delay); meaningful while not in flight. */
    long readyAtMs;
    /** The live delivery, if any: at most one per message by construction. */
    boolean inFlight;
    String consumerId;
    /** Informational (visible_at_ms): command time + visibility, on the clock of whichever leader stamped it. */
    long leaseDeadlineMs;
    /** The live delivery's visibility timeout: what the leader counts down on its own clock. */
    long leaseMs;

    QueueMessage(long id, String queue, String key, JsonNode value, int partition, int maxDeliveries, long readyAtMs) {
        this.id = id;
        this.queue = queue;
        this.key = key;
        this.value = value;
        this.partition = partition;
        this.maxDeliveries = maxDeliveries;
        this.readyAtMs = readyAtMs;
        this.storedBytes = estimatedBytes(key, value);
    }

    /** A message's fixed cost in a node's memory (its objects and index entries), roughly measured. */
    static final long OVERHEAD_BYTES = 256;

    /**
     * The key's length, the value's JSON length and {@link #OVERHEAD_BYTES}: an estimate of what one
     * message costs every node (in memory, in the log, in each snapshot), the same on every replica.
     */
    static long estimatedBytes(String key, JsonNode value) {
        CountingSink sink = new CountingSink();
        try {
            CommandCodec.STRICT_JSON.writeValue(sink, value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure a message value", e);
        }
        return key.length() + sink.count + OVERHEAD_BYTES;
    }

    /** Counts what is written to it and keeps nothing. */
    private static final class CountingSink extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    /** The receipt of the latest delivery; null before the first. */
    String receipt() {
        return deliveries == 0 ? null : receiptOf(id, deliveries);
    }

    static String receiptOf(long id, int delivery) {
        return id + "-" + delivery;
    }

    /** Every allowed delivery is used up: when this one ends unacknowledged, the message is dead-lettered. */
    boolean exhausted() {
        return deliveries >= maxDeliveries && !QueueNames.isDeadLetter(queue);
    }
}
