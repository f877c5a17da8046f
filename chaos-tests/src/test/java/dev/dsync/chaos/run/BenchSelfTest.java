package dev.dsync.chaos.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.chaos.nemesis.Schedule;
import dev.dsync.chaos.workload.LockWorkload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bench that cannot fail proves nothing: run the real lock workload, recorder, checker and
 * report against a lock server that grants from each node's own memory, and require the run to
 * be judged invalid with the offending operation named.
 */
class BenchSelfTest {

    @Test
    void aSplitBrainLockServerIsReportedInvalidWithTheOffendingOperation(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("self-test-lock-split-brain");
        Duration duration = Duration.ofSeconds(4);
        RunSummary summary = new ChaosRun("self-test", new SplitBrainCluster(),
                new LockWorkload(6, 1, 3_000, 0, 7), Schedule.generate("none", 7, duration.toMillis()), duration, dir)
                .execute("lock");

        assertEquals("invalid", summary.verdict(), summary.toString());
        assertFalse(summary.passed());
        assertTrue(summary.ok() > 10, "the broken server did serve: " + summary);

        JsonNode results = ChaosRun.JSON.readTree(dir.resolve("results.json").toFile());
        assertEquals("invalid", results.path("verdict").asText().toLowerCase());
        JsonNode bad = results.path("keys").get(0);
        assertEquals("invalid", bad.path("verdict").asText().toLowerCase());
        JsonNode offending = bad.path("counterexample").path("unplaceable");
        assertFalse(offending.isMissingNode(), "no offending operation in " + bad);

        String report = Files.readString(dir.resolve("report.html"));
        assertTrue(report.contains("invalid") || report.contains("INVALID"), "report does not say invalid");
        assertTrue(Files.size(dir.resolve("history.jsonl")) > 0);
    }
}
