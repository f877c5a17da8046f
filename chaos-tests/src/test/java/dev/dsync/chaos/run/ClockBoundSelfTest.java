package dev.dsync.chaos.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.dsync.chaos.clock.ClockSpec;
import dev.dsync.chaos.clock.Libfaketime;
import dev.dsync.chaos.clock.NodeClocks;
import dev.dsync.chaos.cluster.ProcessCluster;
import dev.dsync.chaos.nemesis.FaultKind;
import dev.dsync.chaos.nemesis.Schedule;
import dev.dsync.chaos.toxiproxy.EmbeddedToxiproxy;
import dev.dsync.chaos.workload.CacheWorkload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The clock bounds are what keeps cache hits linearizable, and the bench can tell when they are
 * broken: real cache nodes under libfaketime, two of them with clocks at a tenth of real speed
 * (a 90 % rate error against the 2.5 % bound). Such a node's 200 ms read lease lasts 2 s of real
 * time (renewed every second) while the leader, on a real-speed clock, takes it for over 211 ms
 * after granting it. Cut off from its peers (so it cannot hear of writes) but not from its clients,
 * it keeps serving hits of a value that writes elsewhere have replaced: the checker must judge the
 * run invalid. One key, so every write elsewhere makes the slow node's copy stale.
 *
 * <p>NOT YET WORKING, so opt-in ({@code -Ddsync.clockSelfTest=true}): in both attempts so far
 * (rate 0.25 over three keys, then rate 0.1 over one key) the run was judged valid — 329 and 285
 * hits, nearly all from M lines, none stale. Why the slow, isolated node serves no stale hit is not
 * understood yet (clients that block on their first miss or write leave the node quickly; the
 * watermark may refuse the lines). Until it fails as intended it proves nothing and stays out of
 * {@code make test}. Needs libfaketime and the server jar; starts real node processes: run it under
 * the cluster lock.
 */
class ClockBoundSelfTest {
    private static final Path SERVER_JAR = Path.of("..", "server", "target", "server.jar");
    private static final List<String> SLOW = List.of("cache-3");

    @Test
    void cacheNodesWhoseClocksBreakTheDriftBoundServeStaleHitsAndTheRunIsInvalid() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("dsync.clockSelfTest"), "opt-in: -Ddsync.clockSelfTest=true (not yet working)");
        Assumptions.assumeTrue(Libfaketime.find().isPresent(), "libfaketime is not installed");
        Assumptions.assumeTrue(Files.isRegularFile(SERVER_JAR), "no server jar at " + SERVER_JAR.toAbsolutePath());
        Path dir = Files.createTempDirectory(Path.of("target"), "self-test-clock-beyond-bound-");
        Duration duration = Duration.ofSeconds(16);
        try (EmbeddedToxiproxy toxiproxy = EmbeddedToxiproxy.start(0)) {
            NodeClocks clocks = new NodeClocks(Libfaketime.require(), dir.resolve("clocks"));
            // The slow node's election timer runs 10x slower too, so one of the two real-speed nodes leads,
            // and they keep a majority that acknowledges writes while the slow node is cut off.
            for (String id : SLOW) {
                clocks.set(id, new ClockSpec(0, 0.1));
            }
            ProcessCluster cluster = new ProcessCluster("cache", toxiproxy.client(), toxiproxy.host(),
                    SERVER_JAR.toAbsolutePath(), dir, ChaosMain.nodeEnvironment(), clocks, false);
            RunSummary summary = new ChaosRun("self-test", cluster, new CacheWorkload(10, 1, 2, 11, true),
                    isolateSlowNodes(cluster.nodeIds(), duration), duration, dir).execute("cache");

            assertEquals("invalid", summary.verdict(), summary.toString());
            assertFalse(summary.passed());
        }
    }

    /** Every 2.5 s a slow node is cut off from its peers (clients still reach it) for 1.5 s. */
    private static Schedule isolateSlowNodes(List<String> ids, Duration duration) {
        List<Schedule.Step> steps = new ArrayList<>();
        int n = 0;
        for (long at = 2_000; at + 1_500 < duration.toMillis(); at += 2_500, n++) {
            steps.add(new Schedule.Step(at, 1_500, FaultKind.PARTITION_RANDOM_HALVES, pickIsolating(ids, SLOW.get(n % SLOW.size()))));
        }
        return new Schedule("clock-beyond-bound", 11, steps);
    }

    /**
     * A pick with which the nemesis's random-halves partition isolates {@code node}: its random
     * numbers are drawn from the pick (the first for the leader fallback, the second for the node).
     */
    private static long pickIsolating(List<String> ids, String node) {
        for (long pick = 0; ; pick++) {
            Random r = new Random(pick);
            r.nextInt(ids.size());
            if (ids.get(r.nextInt(ids.size())).equals(node)) {
                return pick;
            }
        }
    }
}
