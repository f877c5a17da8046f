package dev.dsync.chaos.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dsync.chaos.nemesis.Schedule;
import dev.dsync.chaos.workload.CacheWorkload;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that halts on its own failed safety assertion while the others serve correctly: the
 * history alone is valid, so only the bench's watch over the processes can fail the run, and it
 * must, naming the node and why it exited; the node is started again so the run still finishes.
 */
class NodeExitSelfTest {

    @Test
    void aNodeThatExitsOnItsOwnMakesTheRunInvalid(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("self-test-node-exit");
        Duration duration = Duration.ofSeconds(3);
        ExitingNode cluster = new ExitingNode(new InMemoryCacheCluster(true), "mem-2");
        RunSummary summary = new ChaosRun("self-test", cluster, new CacheWorkload(6, 2, 1, 7),
                Schedule.generate("none", 7, duration.toMillis()), duration, dir).execute("cache");

        assertEquals("invalid", summary.verdict(), summary.toString());
        assertTrue(summary.note().contains("crash: mem-2 exited on its own (exit code 70, its log: "
                + "java.lang.IllegalStateException: election safety"), summary.note());
        assertTrue(cluster.restarted, "the exited node was not started again");
        String history = Files.readString(dir.resolve("history.jsonl"));
        assertTrue(history.contains("\"crash\""), "no crash event in the history");
    }

    @Test
    void aMajorityThatHaltsInTheFirstElectionIsJudgedAtOnce(@TempDir Path tmp) throws Exception {
        long start = System.nanoTime();
        RunSummary summary = new ChaosRun("self-test", new HaltedMajority(), new CacheWorkload(6, 2, 1, 7),
                Schedule.generate("none", 7, 3000), Duration.ofSeconds(3), tmp.resolve("self-test-halted")).execute("cache");
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;

        assertEquals("invalid", summary.verdict(), summary.toString());
        assertTrue(summary.note().contains("crash: mem-1 exited on its own") && summary.note().contains("crash: mem-2 exited on its own"),
                summary.note());
        assertTrue(seconds < 10, "waited " + seconds + " s for a leader that two halted nodes of three cannot elect");
    }

    /** Three nodes of which two halted before any leader: nobody answers /health. */
    private static final class HaltedMajority implements InProcessCluster {
        @Override
        public Map<String, String> exitedOnTheirOwn() {
            String exit = "exit code 70, its log: java.lang.IllegalStateException: election safety";
            return Map.of("mem-1", exit, "mem-2", exit);
        }

        @Override
        public boolean isRunning(String nodeId) {
            return nodeId.equals("mem-3");
        }

        @Override
        public String service() {
            return "cache";
        }

        @Override
        public List<String> nodeIds() {
            return List.of("mem-1", "mem-2", "mem-3");
        }

        @Override
        public URI clientUrl(String nodeId) {
            return URI.create("http://127.0.0.1:9"); // the discard port: nothing listens there
        }

        @Override
        public void start() {}

        @Override
        public void close() {}
    }

    /** Reports {@code node} as exited once the run is under way, until it is restarted. */
    private static final class ExitingNode implements InProcessCluster {
        private final InMemoryCacheCluster cluster;
        private final String node;
        private long startedAt;
        volatile boolean restarted;

        ExitingNode(InMemoryCacheCluster cluster, String node) {
            this.cluster = cluster;
            this.node = node;
        }

        @Override
        public Map<String, String> exitedOnTheirOwn() {
            boolean exited = !restarted && System.nanoTime() - startedAt > 1_000_000_000L;
            return exited ? Map.of(node, "exit code 70, its log: java.lang.IllegalStateException: election safety") : Map.of();
        }

        @Override
        public void restart(String nodeId) {
            restarted |= nodeId.equals(node);
        }

        @Override
        public boolean isRunning(String nodeId) {
            return !exitedOnTheirOwn().containsKey(nodeId) && cluster.isRunning(nodeId);
        }

        @Override
        public String service() {
            return cluster.service();
        }

        @Override
        public List<String> nodeIds() {
            return cluster.nodeIds();
        }

        @Override
        public URI clientUrl(String nodeId) {
            return cluster.clientUrl(nodeId);
        }

        @Override
        public void start() throws IOException {
            startedAt = System.nanoTime();
            cluster.start();
        }

        @Override
        public void close() {
            cluster.close();
        }
    }
}
