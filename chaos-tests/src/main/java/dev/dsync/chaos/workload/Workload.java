package dev.dsync.chaos.workload;

import dev.dsync.chaos.cluster.Cluster;
import java.util.concurrent.atomic.AtomicBoolean;

/** Concurrent clients that exercise one service and record every operation. */
public interface Workload {

    /** The history checker model that judges this workload's history. */
    String model();

    /**
     * Runs the clients until {@code stop} is set, then returns once every client has finished its
     * current operation. Each client loop is bounded by {@code stop} and a hard operation cap.
     */
    void run(Cluster cluster, Recorder recorder, AtomicBoolean stop) throws InterruptedException;

    /** After the run: anything the checker needs to see every outcome (e.g. a final queue drain). */
    default void finish(Cluster cluster, Recorder recorder) throws InterruptedException {}

    /** One line on what the clients saw beyond ok/fail/info (e.g. cache hits), for the run's summary; null if none. */
    default String stats() {
        return null;
    }
}
