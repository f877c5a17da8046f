package dev.dsync.chaos.run;

import dev.dsync.chaos.cluster.Cluster;
import eu.rekawek.toxiproxy.Proxy;
import java.nio.file.Path;
import java.util.List;

/**
 * A test cluster whose nodes live inside the test JVM and are reached directly: there are no
 * proxies to fault, process faults do not apply, and there are no log files to collect.
 */
interface InProcessCluster extends Cluster {
    @Override
    default Proxy link(String from, String to) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no proxies");
    }

    @Override
    default List<Proxy> peerLinks() {
        return List.of();
    }

    @Override
    default List<Proxy> allLinks() {
        return List.of();
    }

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

    /** Test doubles hold no replicated state machine to digest. */
    @Override
    default boolean reportsStateDigests() {
        return false;
    }
}
