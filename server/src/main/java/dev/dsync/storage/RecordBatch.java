package dev.dsync.storage;

import java.nio.ByteBuffer;

/**
 * Encodes the records of one save into a single reusable buffer, so a save is one write call and
 * does not allocate per record. The buffer grows as needed and is released after an unusually large
 * batch so one burst does not pin memory for the life of the node.
 */
final class RecordBatch {
    private static final int INITIAL_BYTES = 64 * 1024;
    private static final int RETAIN_AT_MOST_BYTES = 8 * 1024 * 1024;

    private ByteBuffer buffer = ByteBuffer.allocate(INITIAL_BYTES);

    void clear() {
        if (buffer.capacity() > RETAIN_AT_MOST_BYTES) {
            buffer = ByteBuffer.allocate(INITIAL_BYTES);
        }
        buffer.clear();
    }

    void add(WalRecord record) {
        int size = RecordCodec.encodedSize(record);
        if (buffer.remaining() < size) {
            long wanted = Math.max((long) buffer.capacity() * 2, (long) buffer.position() + size);
            if (wanted > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("batch too large: " + wanted + " bytes");
            }
            buffer = ByteBuffer.allocate((int) wanted).put(buffer.flip());
        }
        RecordCodec.encode(record, buffer);
    }

    boolean isEmpty() {
        return buffer.position() == 0;
    }

    /** The encoded bytes, ready to write; call {@link #clear()} before adding again. */
    ByteBuffer bytes() {
        return buffer.flip();
    }
}
