package dev.dsync.node;

import dev.dsync.raft.Membership;
import dev.dsync.raft.Snapshot;
import dev.dsync.storage.RaftLogStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Writes the Raft loop's periodic snapshots beside it: the loop captures the state (a copy,
 * {@link dev.dsync.statemachine.StateMachine#captureSnapshot}), this class's thread encodes it and
 * makes its file durable, and the loop gets it back to compact its log and record it in the WAL.
 * At most one is in flight.
 *
 * <p>Why not on the loop: a queue holding 90,000 messages took 330-760 ms to encode and write
 * there, longer than an election timeout, during which the loop sent no heartbeats and counted no
 * answers. Every snapshot (each 10,000 entries, seconds apart under load) cost an election.
 */
final class SnapshotWriter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SnapshotWriter.class.getName());

    private final RaftLogStore store;
    private final Consumer<Runnable> loop;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(
            runnable -> Thread.ofPlatform().daemon().name("snapshot-writer").unstarted(runnable));
    /** Loop thread only. */
    private boolean inFlight;

    /** @param loop runs a task on the raft loop (its inbox) */
    SnapshotWriter(RaftLogStore store, Consumer<Runnable> loop) {
        this.store = store;
        this.loop = loop;
    }

    /** Loop thread only. */
    boolean inFlight() {
        return inFlight;
    }

    /**
     * Starts writing the snapshot of the state captured at applied {@code index}; when its file is
     * durable, {@code written} runs on the loop with it. A failure is thrown on the loop, which
     * stops the node as for any other disk failure. Loop thread only.
     *
     * @param captureNanos how long the capture took on the loop (for the log line)
     */
    void start(long index, long term, Membership membership, Supplier<byte[]> encoder, long captureNanos,
               Consumer<Snapshot> written) {
        if (inFlight) {
            throw new IllegalStateException("a snapshot is already being written");
        }
        inFlight = true;
        thread.execute(() -> {
            long started = System.nanoTime();
            try {
                Snapshot snapshot = new Snapshot(index, term, membership, encoder.get());
                boolean stored = store.writeSnapshotFile(snapshot);
                LOG.log(System.Logger.Level.INFO, "snapshot at index {0}: {1} bytes; captured in {2} ms on the raft loop, "
                        + "encoded and written in {3} ms beside it", index, snapshot.data().length,
                        captureNanos / 1_000_000, (System.nanoTime() - started) / 1_000_000);
                loop.accept(() -> {
                    inFlight = false;
                    if (stored) {
                        written.accept(snapshot);
                    }
                });
            } catch (IOException | RuntimeException e) {
                loop.accept(() -> {
                    throw new UncheckedIOException("cannot write the snapshot at index " + index,
                            e instanceof IOException io ? io : new IOException(e));
                });
            }
        });
    }

    /** Lets a write in progress finish (a file half-written by a stopped node is only a leftover). */
    @Override
    public void close() throws InterruptedException {
        thread.shutdown();
        thread.awaitTermination(10, TimeUnit.SECONDS);
    }
}
