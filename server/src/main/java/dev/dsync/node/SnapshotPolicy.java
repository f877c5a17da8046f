package dev.dsync.node;

/**
 * When the Raft loop takes a snapshot: at least {@code every} applied entries after the last one,
 * and not before the log written since has grown as large as the last snapshot was (the rule of
 * Redis's AOF rewrite at 100 %). Pure; the loop feeds it.
 *
 * <p>Why the second rule: a snapshot costs time and I/O in proportion to the state, the log in
 * proportion to the writes. With a fixed entry count, a queue holding 100,000 messages (a 40 MB
 * image) was snapshotted every 10,000 enqueues (2 MB of log) on all three nodes: encoding took
 * about a core of a 2-core machine under load. With it, snapshots cost at most what the log does,
 * and the log on disk stays under the last snapshot's size plus {@code every} entries.
 */
final class SnapshotPolicy {
    /** What a WAL record adds to an entry's data (type, term, index, length, checksum), roughly. */
    static final int ENTRY_OVERHEAD_BYTES = 32;

    private final int every;
    private long lastIndex;
    private long lastBytes;
    private long logBytesSince;

    /**
     * @param lastIndex     the index of the snapshot the node started from (or its applied index)
     * @param lastBytes     that snapshot's size (0 if none)
     * @param logBytesSince the entries after it that the node recovered, in bytes
     */
    SnapshotPolicy(int every, long lastIndex, long lastBytes, long logBytesSince) {
        if (every < 1) {
            throw new IllegalArgumentException("snapshot every must be >= 1, not " + every);
        }
        this.every = every;
        this.lastIndex = lastIndex;
        this.lastBytes = lastBytes;
        this.logBytesSince = logBytesSince;
    }

    /** An entry of {@code dataBytes} was applied. */
    void applied(int dataBytes) {
        logBytesSince += dataBytes + ENTRY_OVERHEAD_BYTES;
    }

    boolean due(long appliedIndex) {
        return appliedIndex - lastIndex >= every && logBytesSince >= lastBytes;
    }

    /** A snapshot of the state at {@code index} was captured: the log counts from here. */
    void started(long index) {
        lastIndex = index;
        logBytesSince = 0;
    }

    /** The snapshot started last is written: it is {@code bytes} long. */
    void written(long bytes) {
        lastBytes = bytes;
    }

    /** A leader's snapshot replaced the state. */
    void installed(long index, long bytes) {
        lastIndex = index;
        lastBytes = bytes;
        logBytesSince = 0;
    }
}
