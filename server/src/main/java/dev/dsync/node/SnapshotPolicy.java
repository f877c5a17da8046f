package dev.dsync.node;

import dev.dsync.raft.Entry;
import dev.dsync.raft.PersistentState;
import dev.dsync.raft.Snapshot;

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
public final class SnapshotPolicy {
    /** What a WAL record adds to an entry's data (type, term, index, length, checksum), roughly. */
    public static final int ENTRY_OVERHEAD_BYTES = 32;
    /** The node's rule: the log since the last snapshot must have grown as large as that snapshot. */
    public static final int NODE_LOG_PERCENT = 100;

    private final int every;
    private final int logPercent;
    private long lastIndex;
    private long lastBytes;
    private long logBytesSince;

    /**
     * @param logPercent    how large, in percent of the last snapshot, the log written since must
     *                      have grown ({@link #NODE_LOG_PERCENT} on a node; the simulation uses 0, so
     *                      that its small states are snapshotted, and installed, every few entries)
     * @param lastIndex     the index of the snapshot the node started from (or its applied index)
     * @param lastBytes     that snapshot's size (0 if none)
     * @param logBytesSince the entries after it that the node recovered, in bytes
     */
    public SnapshotPolicy(int every, int logPercent, long lastIndex, long lastBytes, long logBytesSince) {
        if (every < 1) {
            throw new IllegalArgumentException("snapshot every must be >= 1, not " + every);
        }
        if (logPercent < 0) {
            throw new IllegalArgumentException("the log share must be >= 0 %, not " + logPercent);
        }
        this.every = every;
        this.logPercent = logPercent;
        this.lastIndex = lastIndex;
        this.lastBytes = lastBytes;
        this.logBytesSince = logBytesSince;
    }

    /**
     * The policy of a node that starts from {@code recovered} (its snapshot and the log after it),
     * having applied up to {@code appliedIndex}.
     */
    public static SnapshotPolicy atStart(int every, int logPercent, long appliedIndex, PersistentState recovered) {
        long logBytes = 0;
        for (Entry e : recovered.entries()) {
            logBytes += e.data().length + ENTRY_OVERHEAD_BYTES;
        }
        Snapshot snapshot = recovered.snapshot();
        return new SnapshotPolicy(every, logPercent, appliedIndex, snapshot == null ? 0 : snapshot.data().length, logBytes);
    }

    /** An entry of {@code dataBytes} was applied. */
    public void applied(int dataBytes) {
        logBytesSince += dataBytes + ENTRY_OVERHEAD_BYTES;
    }

    public boolean due(long appliedIndex) {
        return appliedIndex - lastIndex >= every && logBytesSince * 100 >= lastBytes * logPercent;
    }

    /** A snapshot of the state at {@code index} was captured: the log counts from here. */
    public void started(long index) {
        lastIndex = index;
        logBytesSince = 0;
    }

    /** The snapshot started last is written: it is {@code bytes} long. */
    public void written(long bytes) {
        lastBytes = bytes;
    }

    /** A leader's snapshot replaced the state. */
    public void installed(long index, long bytes) {
        lastIndex = index;
        lastBytes = bytes;
        logBytesSince = 0;
    }
}
