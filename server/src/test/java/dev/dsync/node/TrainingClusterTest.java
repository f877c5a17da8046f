package dev.dsync.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The throwaway cluster a node warms up on runs inside the node's own JVM, so it must leave nothing
 * behind: no data directory, and none of its nodes' threads (a leftover peer link or loop would run
 * beside the real node for its whole life).
 */
class TrainingClusterTest {
    /** Threads a node starts: its loop, peer links and streams, HTTP server, timers, leader forwarder. */
    private static final List<String> NODE_THREADS = List.of("raft-loop", "link-", "recv-", "HTTP-Dispatcher", "timers",
            "HttpClient-", "snapshot-writer", "idle-timeout-task");

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyServiceRunsItsRoundsAndLeavesNoThreadOrFileBehind(@TempDir Path tmp) throws Exception {
        Set<String> before = nodeThreads();
        for (String service : NodeConfig.SERVICES) {
            Path dir = tmp.resolve(service);
            TrainingCluster.exercise(service, dir, 3);
            assertFalse(Files.exists(dir), service + ": the throwaway data directory is deleted");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Set<String> left = nodeThreads();
        while (!left.equals(before) && System.nanoTime() < deadline) { // threads end a moment after their close returns
            Thread.sleep(50);
            left = nodeThreads();
        }
        assertEquals(before, left, "threads of the throwaway nodes still running");
    }

    private static Set<String> nodeThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> NODE_THREADS.stream().anyMatch(name::startsWith)).collect(Collectors.toSet());
    }
}
