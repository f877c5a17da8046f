package dev.dsync.chaos.run;

import dev.dsync.chaos.cluster.Cluster;
import java.nio.file.Path;

/**
 * A test cluster whose nodes live inside the test JVM: process faults do not apply (only link
 * faults through the proxies do), and there are no log files to collect.
 */
interface InProcessCluster extends Cluster {
    @Override
    default void kill(String nodeId) {}

    @Override
    default void restart(String nodeId) {}

    @Override
    default void pause(String nodeId) {}

    @Override
    default void resume(String nodeId) {}

    @Override
    default void collectLogs(Path dir) {}
}
