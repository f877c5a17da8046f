package dev.dsync.chaos.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proof that a JVM under libfaketime, set up as {@link Libfaketime} does it, really sees the clock
 * the nemesis sets: both {@code System.currentTimeMillis} and {@code System.nanoTime} (whatever
 * path, vDSO or not, the JVM takes to clock_gettime), with the offset and rate changed while it
 * runs. The child JVM ({@link ClockProbe}) reports its clocks on request; this JVM, not under
 * libfaketime, is the real-time reference.
 */
class LibfaketimeJvmTest {
    private Path library;
    private Process child;
    private Writer ask;
    private BufferedReader answers;

    /** The child's clocks, and the real time they were read at, known to within {@code roundTripNanos / 2}. */
    private record Reading(long realNanos, long wallMs, long monoNanos, long roundTripNanos) {}

    /** Round trips up to this long are quiet: the child was not descheduled between its two clock reads. */
    private static final long QUIET_ROUND_TRIP_NANOS = 10_000_000;

    @BeforeEach
    void needsLibfaketime() {
        Assumptions.assumeTrue(Libfaketime.find().isPresent(), "libfaketime is not installed (apt-get install libfaketime)");
        library = Libfaketime.find().get();
    }

    @AfterEach
    void stopChild() throws InterruptedException {
        if (child != null) {
            child.destroyForcibly();
            child.waitFor();
        }
    }

    private void start(Map<String, String> env) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                ClockProbe.class.getName());
        pb.environment().putAll(env);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        child = pb.start();
        ask = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
        answers = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        read(); // the child is up
    }

    /** One reading; the real time is the middle of the round trip. */
    private Reading readOnce() throws Exception {
        long before = System.nanoTime();
        ask.write("\n");
        ask.flush();
        String[] parts = answers.readLine().trim().split(" ");
        long after = System.nanoTime();
        return new Reading(before + (after - before) / 2, Long.parseLong(parts[0]), Long.parseLong(parts[1]), after - before);
    }

    /**
     * The reading with the shortest round trip of up to 50 tries, stopping at the first quiet one. On a
     * loaded machine the child can be descheduled between its currentTimeMillis and nanoTime calls, and
     * one such reading measured nanoTime's rate 7 % off over four seconds while the wall rate was exact.
     */
    private Reading read() throws Exception {
        Reading best = readOnce();
        for (int i = 0; i < 49 && best.roundTripNanos() > QUIET_ROUND_TRIP_NANOS; i++) {
            Reading r = readOnce();
            if (r.roundTripNanos() < best.roundTripNanos()) {
                best = r;
            }
        }
        return best;
    }

    /**
     * Wall and monotonic rates of the child against real time over {@code ms}, and how far either may be
     * off from the readings' round trips alone (each reading's real time is known to half its round trip).
     */
    private double[] rates(long ms) throws Exception {
        Reading a = read();
        Thread.sleep(ms);
        Reading b = read();
        double real = b.realNanos() - a.realNanos();
        double uncertainty = (a.roundTripNanos() + b.roundTripNanos() + 2_000_000) / real; // + 1 ms of wall granularity each
        return new double[] {(b.wallMs() - a.wallMs()) * 1e6 / real, (b.monoNanos() - a.monoNanos()) / real, uncertainty};
    }

    private long wallOffsetMs() throws Exception {
        Reading r = read();
        return r.wallMs() - System.currentTimeMillis();
    }

    /**
     * Largest step in either clock while sampling every 20 ms for {@code ms}: the difference between
     * how far a clock moved and how far real time moved, times the expected rate.
     */
    private long largestStepMs(long ms, double rateFrom, double rateTo) throws Exception {
        long worst = 0;
        Reading prev = read();
        long end = System.nanoTime() + ms * 1_000_000;
        while (System.nanoTime() < end) {
            Thread.sleep(20);
            Reading r = read();
            double real = (r.realNanos() - prev.realNanos()) / 1e6;
            double wall = r.wallMs() - prev.wallMs();
            double mono = (r.monoNanos() - prev.monoNanos()) / 1e6;
            for (double moved : new double[] {wall, mono}) {
                double off = Math.min(Math.abs(moved - real * rateFrom), Math.abs(moved - real * rateTo));
                worst = Math.max(worst, Math.round(off));
            }
            assertTrue(mono >= 0, "nanoTime went backwards by " + (-mono) + " ms");
            prev = r;
        }
        return worst;
    }

    @Test
    void theJvmSeesTheOffsetAtStartAndRateChangesWhileRunningOnBothClocks(@TempDir Path tmp) throws Exception {
        NodeClocks clocks = new NodeClocks(library, tmp);
        clocks.set("probe", new ClockSpec(30_000, 1.0));
        start(clocks.launchEnvironment("probe"));

        long offset = wallOffsetMs();
        assertTrue(Math.abs(offset - 30_000) < 500, "currentTimeMillis is 30 s ahead: " + offset);
        double[] real = rates(1_500);
        assertEquals(1.0, real[0], 0.02, "wall rate");
        assertEquals(1.0, real[1], 0.02, "nanoTime rate");

        clocks.set("probe", new ClockSpec(30_000, 1.5));
        long step = largestStepMs(3_000, 1.0, 1.5); // the change lands within the cache's up to 2 s
        double[] fast = rates(2_000);
        assertEquals(1.5, fast[0], 0.03, "wall rate after x1.5");
        assertEquals(1.5, fast[1], 0.03, "nanoTime rate after x1.5");
        assertTrue(step < 20, "with FAKETIME_XRESET a rate change does not step the clocks: " + step + " ms");

        clocks.set("probe", new ClockSpec(30_000, 0.98)); // the nemesis's slowest rate
        Thread.sleep(3_000);
        double[] slow = rates(4_000);
        System.out.printf("libfaketime: x1 measured %.4f/%.4f, x1.5 %.4f/%.4f, x0.98 %.4f/%.4f ±%.4f (wall/nanoTime); "
                + "largest step at the x1.5 change %d ms%n", real[0], real[1], fast[0], fast[1], slow[0], slow[1], slow[2], step);
        assertTrue(slow[2] < 0.01, "no quiet readings to measure with: uncertainty " + slow[2]);
        assertEquals(0.98, slow[0], 0.001 + slow[2], "wall rate at x0.98");
        // Measured with only 1.5 s after the change, nanoTime came out 0.912 and 0.9531 (wall exact)
        // in two runs: the change had not always landed by then (it can take 2 s), and a rate change
        // landing mid-window throws the monotonic clock off by more than its share. Waiting 3 s, it
        // measured 0.9800 in every run.
        assertEquals(0.98, slow[1], 0.002 + slow[2], "nanoTime rate at x0.98");
        long offsetNow = wallOffsetMs();
        assertTrue(offsetNow > 30_000, "x1.5 for a while put the clock further ahead: " + offsetNow);

        // With FAKETIME_XRESET a running process keeps the offset it started with: the nemesis
        // steps offsets only across a restart (ClockFaults).
        clocks.set("probe", new ClockSpec(90_000, 0.98));
        Thread.sleep(3_000); // past the up-to-2-s cache, so an offset change would have landed
        assertTrue(Math.abs(wallOffsetMs() - offsetNow) < 1_000, "offset change ignored while running");
    }

    /**
     * The first reading whose wall clock moved {@code stepMs} more than real time since {@code before},
     * or the last one after {@code withinMs}. libfaketime re-reads the control file when the whole
     * seconds of real time since its last read exceed FAKETIME_CACHE_DURATION, so a change can take
     * up to two seconds to land (a fixed 1.5 s wait failed on CI).
     */
    private Reading afterStep(Reading before, long stepMs, long withinMs) throws Exception {
        long end = System.nanoTime() + withinMs * 1_000_000;
        Reading r;
        do {
            Thread.sleep(100);
            r = read();
        } while (System.nanoTime() < end
                && (r.wallMs() - before.wallMs()) - (r.realNanos() - before.realNanos()) / 1_000_000 < stepMs);
        return r;
    }

    /**
     * Without FAKETIME_XRESET libfaketime does take offset changes at run time, and steps both
     * clocks, CLOCK_MONOTONIC included: why the nemesis never steps a running node's clock.
     */
    @Test
    void withoutXresetAnOffsetChangeStepsBothClocks(@TempDir Path tmp) throws Exception {
        NodeClocks clocks = new NodeClocks(library, tmp);
        Map<String, String> env = new java.util.HashMap<>(clocks.launchEnvironment("probe"));
        env.remove("FAKETIME_XRESET");
        start(env);
        Thread.sleep(2_000); // let the process age, so a rate change shows as a step

        Reading before = read();
        clocks.set("probe", new ClockSpec(20_000, 1.0));
        Reading after = afterStep(before, 10_000, 6_000);
        long realMs = (after.realNanos() - before.realNanos()) / 1_000_000;
        assertEquals(20_000 + realMs, after.wallMs() - before.wallMs(), 300, "wall stepped 20 s");
        assertEquals(20_000 + realMs, (after.monoNanos() - before.monoNanos()) / 1_000_000, 300, "nanoTime stepped 20 s too");
    }
}
