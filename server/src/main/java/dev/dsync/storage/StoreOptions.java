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
 * @param fsync                 true (the default): every append is fsynced before {@link RaftLogStore#save}
 *                              returns. False skips that fsync (and the directory fsync of a new segment),
 *                              so a save survives a crash of the process but not of the machine; only for
 *                              measuring what fsync costs. Snapshots are fsynced either way
 */
public record StoreOptions(long segmentBytes, DoubleConsumer fsyncSecondsObserver, boolean fsync) {
    public static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;

    public StoreOptions {
        if (segmentBytes < 1) {
            throw new IllegalArgumentException("segmentBytes must be positive: " + segmentBytes);
        }
        if (fsyncSecondsObserver == null) {
            fsyncSecondsObserver = seconds -> { };
        }
    }

    /** Options that fsync every append. */
    public StoreOptions(long segmentBytes, DoubleConsumer fsyncSecondsObserver) {
        this(segmentBytes, fsyncSecondsObserver, true);
    }

    public static StoreOptions defaults() {
        return new StoreOptions(DEFAULT_SEGMENT_BYTES, seconds -> { });
    }

    public StoreOptions withSegmentBytes(long bytes) {
        return new StoreOptions(bytes, fsyncSecondsObserver, fsync);
    }

    public StoreOptions withFsyncObserver(DoubleConsumer observer) {
        return new StoreOptions(segmentBytes, observer, fsync);
    }

    public StoreOptions withFsync(boolean on) {
        return new StoreOptions(segmentBytes, fsyncSecondsObserver, on);
    }
}
