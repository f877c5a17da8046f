package dev.dsync.storage;

import java.util.function.DoubleConsumer;

/**
 * Tuning for {@link RaftLogStore}.
 *
 * @param segmentBytes          a segment is closed and a new one started before the next write once
 *                              the current one has reached this size; a single batch is never split,
 *                              so a segment may exceed it by one batch
 * @param fsyncSecondsObserver  receives the duration of every data fsync of the log, in seconds
 *                              (for a latency histogram); called on the store's thread, must be cheap
 */
public record StoreOptions(long segmentBytes, DoubleConsumer fsyncSecondsObserver) {
    public static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;

    public StoreOptions {
        if (segmentBytes < 1) {
            throw new IllegalArgumentException("segmentBytes must be positive: " + segmentBytes);
        }
        if (fsyncSecondsObserver == null) {
            fsyncSecondsObserver = seconds -> { };
        }
    }

    public static StoreOptions defaults() {
        return new StoreOptions(DEFAULT_SEGMENT_BYTES, seconds -> { });
    }

    public StoreOptions withSegmentBytes(long bytes) {
        return new StoreOptions(bytes, fsyncSecondsObserver);
    }

    public StoreOptions withFsyncObserver(DoubleConsumer observer) {
        return new StoreOptions(segmentBytes, observer);
    }
}
