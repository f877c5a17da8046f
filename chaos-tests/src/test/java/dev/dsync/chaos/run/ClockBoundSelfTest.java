package dev.dsync.chaos.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dsync.chaos.clock.ClockSpec;
import dev.dsync.chaos.clock.Libfaketime;
import dev.dsync.chaos.clock.NodeClocks;
import dev.dsync.chaos.cluster.ProcessCluster;
import dev.dsync.chaos.nemesis.Schedule;
import dev.dsync.chaos.toxiproxy.EmbeddedToxiproxy;
import dev.dsync.chaos.workload.StaleReadAtSlowNode;
import dev.dsync.chaos.workload.Workload;
import dev.dsync.chaos.workload.LapseThenTakeOver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The clock bounds are what keeps leases safe, and the bench can tell when they are broken: real
 * nodes under libfaketime with clock rates far outside the documented 2.5 %, driven by scripted
 * workloads that make the broken bound visible, judged by the usual checkers.
 *
 * <ul>
 *   <li>Lock leases (in {@code make test}): every lock node at three times real speed; a leader
 *       then grants a key while the previous holder's lease, as the timed rw-lock model counts it,
 *       is surely alive. Measured on a two-core machine at load 20: 7 of 20 rounds caught in one run,
 *       none in another where every acquire took 1-1.6 s (the model counts a lease from the
 *       acquire's invoke, so a slow acquire hides the early expiry); on an idle machine acquires
 *       take milliseconds.
 *   <li>Cache read leases: one cache node at a tenth of real speed holds a copy, is cut off from
 *       its peers, and a write elsewhere is acknowledged (the leader counts the slow node's 200 ms
 *       lease out in real time); the slow node, counting on its own clock, goes on serving the old
 *       value as a hit, and the kv model must judge the run invalid. The same script with every
 *       clock at real speed must be judged valid, with no stale hit: the verdict comes from the
 *       broken bound, not from the script. (This half did not fail when first written, 2026-11-30:
 *       the slow node answered misses; it has failed as intended in every run since the lease and
 *       Raft loop changes of the sixth session: 3 of 3 runs on 2026-12-01.)
 * </ul>
 * Needs libfaketime and the server jar ({@code make build}); starts real node processes.
 */
class ClockBoundSelfTest {
    private static final Path SERVER_JAR = Path.of("..", "server", "target", "server.jar");
    private static final List<String> SLOW = List.of("cache-3");

    @Test
    void cacheNodesWhoseClocksBreakTheDriftBoundServeStaleHitsAndTheRunIsInvalid() throws Exception {
        // The slow node's election timer runs 10x slower too, so one of the two real-speed nodes leads,
        // and they keep a majority that acknowledges writes while the slow node is cut off.
        RunSummary summary = staleReadScript(0.1, "self-test-clock-beyond-bound-");

        assertEquals("invalid", summary.verdict(), summary.toString());
        assertFalse(summary.passed());
        assertFalse(summary.note().contains(" 0 of them stale hits"), "the script saw no stale hit itself: " + summary.note());
    }

    /** The control: the same script and cut with the node's clock at real speed serves no stale hit. */
    @Test
    void cacheNodesWithinTheBoundServeNoStaleHitAndTheRunIsValid() throws Exception {
        RunSummary summary = staleReadScript(1.0, "self-test-clock-within-bound-");

        assertEquals("valid", summary.verdict(), summary.toString());
        assertTrue(summary.note().contains(" 0 of them stale hits"), summary.note());
        assertFalse(summary.note().contains(" 0 reads at "), "the script read nothing at the cut-off node: " + summary.note());
    }

    /** {@link StaleReadAtSlowNode} for 10 s on a cache cluster whose node {@link #SLOW} runs at {@code rate}. */
    private static RunSummary staleReadScript(double rate, String dirPrefix) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), dirPrefix);
        return runOnClocks("cache", Map.of(SLOW.get(0), rate), Map.of(), new StaleReadAtSlowNode(SLOW.get(0)),
                Duration.ofSeconds(10), 11, dir);
    }

    /**
     * Lock leases: every node's clock at three times real speed (against the 2.5 % bound), so
     * whichever node leads counts a 2 s lease (stretched by its 5 % allowance) out in 0.7 s of real
     * time and grants the key to the next waiter while the holder's lease, as the client and the
     * checker count it (from the acquire's invoke, less the 5 % allowance: 1.9 s), is still alive.
     * Each round of {@link LapseThenTakeOver} makes that happen once; the timed rw-lock model must
     * judge the run invalid and say the lease was surely alive.
     */
    @Test
    void aLockLeaderWhoseClockRunsFastGrantsWhileALeaseIsAliveAndTheRunIsInvalid() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "self-test-lock-clock-beyond-bound-");
        // Raft ticks and request timeouts three times as long on the node's clock keep elections,
        // heartbeats and answers at their usual real-time pace: only the leases are broken.
        RunSummary summary = runOnClocks("lock", Map.of("lock-1", 3.0, "lock-2", 3.0, "lock-3", 3.0),
                Map.of("TICK_MS", "75", "REQUEST_TIMEOUT_MS", "6000"), new LapseThenTakeOver(2_000),
                Duration.ofSeconds(15), 7, dir);

        assertEquals("invalid", summary.verdict(), summary.toString());
        String results = Files.readString(dir.resolve("results.json"));
        assertTrue(results.contains("lease surely alive"), "the violation is a grant during a live lease: " + results);
    }

    /** One fault-free run of {@code workload} on real nodes of {@code service}, each at its clock rate (1 if not listed). */
    private static RunSummary runOnClocks(String service, Map<String, Double> rates, Map<String, String> settings,
                                          Workload workload, Duration duration, long seed, Path dir) throws Exception {
        Assumptions.assumeTrue(Libfaketime.find().isPresent(), "libfaketime is not installed");
        Assumptions.assumeTrue(Files.isRegularFile(SERVER_JAR), "no server jar at " + SERVER_JAR.toAbsolutePath());
        try (EmbeddedToxiproxy toxiproxy = EmbeddedToxiproxy.start(0)) {
            NodeClocks clocks = new NodeClocks(Libfaketime.require(), dir.resolve("clocks"));
            rates.forEach((id, rate) -> clocks.set(id, new ClockSpec(0, rate)));
            Map<String, String> env = new HashMap<>(ChaosMain.nodeEnvironment());
            env.putAll(settings);
            ProcessCluster cluster = new ProcessCluster(service, toxiproxy.client(), toxiproxy.host(),
                    SERVER_JAR.toAbsolutePath(), dir, env, clocks, false);
            return new ChaosRun("self-test", cluster, workload, new Schedule("clock-beyond-bound", seed, List.of()),
                    duration, dir).execute(service);
        }
    }
}
