package dev.dsync.chaos.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.chaos.nemesis.Schedule;
import dev.dsync.chaos.workload.CacheWorkload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache workload's recording, judged by the real checker: against a coherent in-memory cache
 * (linearizable by construction) every run must be valid, so 404 reads, dels as writes of null,
 * cas mismatches and hits are recorded faithfully; against the same cache without invalidation
 * the stale hits must make the run invalid.
 */
class CacheWorkloadSelfTest {
    private static final Duration DURATION = Duration.ofSeconds(3);

    @Test
    void aCoherentCacheIsJudgedValidAndItsHitsAreRecorded(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("self-test-cache-coherent");
        RunSummary summary = run(new InMemoryCacheCluster(true), dir);

        assertEquals("valid", summary.verdict(), summary.toString());
        assertTrue(summary.ok() > 100, "too few operations to mean anything: " + summary);
        List<String> lines = Files.readAllLines(dir.resolve("history.jsonl"));
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"type\":\"ok\"") && l.contains("\"hit\":true")), "no hit recorded");
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"hit\":false")), "no miss recorded");
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"f\":\"read\"") && l.contains("\"value\":null")
                && l.contains("\"type\":\"ok\"")), "no read of an absent key recorded");
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"op\":\"del\"")), "no del recorded");
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"f\":\"cas\"") && l.contains("\"type\":\"fail\"")), "no cas mismatch");
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"f\":\"cas\"") && l.contains("\"type\":\"ok\"")), "no cas success");
        assertTrue(summary.note().contains("hits"), summary.note());
    }

    @Test
    void aCacheWithoutInvalidationIsJudgedInvalidWithTheStaleRead(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("self-test-cache-incoherent");
        RunSummary summary = run(new InMemoryCacheCluster(false), dir);

        assertEquals("invalid", summary.verdict(), summary.toString());
        assertFalse(summary.passed());
        JsonNode results = ChaosRun.JSON.readTree(dir.resolve("results.json").toFile());
        boolean namesAnOperation = false;
        for (JsonNode key : results.path("keys")) {
            if ("invalid".equalsIgnoreCase(key.path("verdict").asText())) {
                namesAnOperation |= !key.path("counterexample").path("unplaceable").isMissingNode();
            }
        }
        assertTrue(namesAnOperation, "no offending operation in " + results);
    }

    private static RunSummary run(InMemoryCacheCluster cluster, Path dir) throws Exception {
        return new ChaosRun("self-test", cluster, new CacheWorkload(6, 2, 1, 7),
                Schedule.generate("none", 7, DURATION.toMillis()), DURATION, dir).execute("cache");
    }
}
