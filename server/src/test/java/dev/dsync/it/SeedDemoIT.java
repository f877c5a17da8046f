package dev.dsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Runs scripts/seed-demo.sh, the seed README's demo call for call, against real lock, queue and
 * cache clusters; the script checks every answer and fails at the first wrong one. The same script
 * runs against `make up` and docker compose (.ci/run).
 */
class SeedDemoIT {

    @Test
    void theSeedDemoRunsAgainstRealClusters() throws Exception {
        Path script = Path.of("..", "scripts", "seed-demo.sh").toAbsolutePath().normalize();
        assertTrue(Files.isExecutable(script), script + " must exist and be executable");
        try (LocalCluster lock = new LocalCluster("lock", 3, Map.of());
             LocalCluster queue = new LocalCluster("queue", 3, Map.of());
             LocalCluster cache = new LocalCluster("cache", 3, Map.of())) {
            // One cluster at a time: nine JVMs starting at once on two cores starve each other's
            // 300 ms peer timeouts, and elections can then fail for longer than any wait here.
            for (LocalCluster c : new LocalCluster[] {lock, queue, cache}) {
                c.startAll();
                c.awaitLeader(Duration.ofSeconds(60));
            }
            Path out = Files.createTempFile("seed-demo", ".txt");
            ProcessBuilder pb = new ProcessBuilder("bash", script.toString());
            pb.environment().put("LOCK_PORTS", ports(lock));
            pb.environment().put("QUEUE_PORTS", ports(queue));
            pb.environment().put("CACHE_PORTS", ports(cache));
            pb.redirectErrorStream(true).redirectOutput(out.toFile());
            Process p = pb.start();
            boolean finished = p.waitFor(120, TimeUnit.SECONDS);
            String transcript = Files.readString(out, StandardCharsets.UTF_8);
            if (!finished) {
                p.destroyForcibly();
            }
            assertTrue(finished, "the demo did not finish within 120 s:\n" + transcript);
            assertEquals(0, p.exitValue(), "the demo failed:\n" + transcript);
            assertTrue(transcript.contains("\"acked\":true"), transcript);
            assertTrue(transcript.lines().anyMatch(l -> l.matches("seed-demo: \\d+ passed, 0 failed")), transcript);
        }
    }

    private static String ports(LocalCluster cluster) {
        return cluster.ids().stream().map(id -> Integer.toString(cluster.port(id))).collect(Collectors.joining(" "));
    }
}
