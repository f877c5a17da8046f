package dev.dsync.checker.bench;

import dev.dsync.checker.CheckOptions;
import dev.dsync.checker.Checker;
import dev.dsync.checker.Result;
import dev.dsync.checker.Verdict;
import dev.dsync.checker.gen.GenConfig;
import dev.dsync.checker.gen.HistoryGenerator;
import dev.dsync.checker.history.History;
import dev.dsync.checker.history.HistoryFiles;
import dev.dsync.checker.history.HistoryReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code make bench-checker}: generates the two benchmark histories, writes them as JSONL,
 * and reports over several runs the median time to check (in memory) and to read + check
 * (end to end), plus peak heap. A benchmark, not a test: it prints figures and goals and
 * exits 0 unless a verdict is wrong. Usage: {@code CheckerBench [runs] [warmups]}.
 */
public final class CheckerBench {
    /**
     * @param reductions off shows the raw search cost, without the info-operation rewrites
     * @param stale      make the last ok read return the first value ever written: the search
     *                   must then exhaust the configurations before the violation (worst case)
     */
    private record Case(String name, String model, GenConfig config, double goalSeconds, boolean reductions,
                        boolean stale) {
        Case(String name, String model, GenConfig config, double goalSeconds) {
            this(name, model, config, goalSeconds, true, false);
        }
    }

    private CheckerBench() {
    }

    public static void main(String[] args) throws IOException {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int warmups = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        List<Case> cases = List.of(
                new Case("kv 100k ops, 100 keys, 20 procs, 5% info", "kv",
                        new GenConfig(100_000, 100, 20, 0.05, 0, true, 42), 2.0),
                new Case("cas-register 1k ops, 10 procs, 10% info", "cas-register",
                        new GenConfig(1_000, 1, 10, 0.10, 0, false, 7), 1.0),
                new Case("(extra) cas-register 1k ops, 10 procs, 10% info, values 0..4", "cas-register",
                        new GenConfig(1_000, 1, 10, 0.10, 5, false, 7), Double.NaN),
                new Case("(extra) same as 2, reductions off", "cas-register",
                        new GenConfig(1_000, 1, 10, 0.10, 0, false, 7), Double.NaN, false, false),
                new Case("(extra) same as 3, reductions off", "cas-register",
                        new GenConfig(1_000, 1, 10, 0.10, 5, false, 7), Double.NaN, false, false),
                new Case("(extra) same as 2 with a stale last read (invalid)", "cas-register",
                        new GenConfig(1_000, 1, 10, 0.10, 0, false, 7), Double.NaN, true, true),
                new Case("(extra) same as 2 with a stale last read, reductions off", "cas-register",
                        new GenConfig(1_000, 1, 10, 0.10, 0, false, 7), Double.NaN, false, true));
        Path dir = Files.createTempDirectory("checker-bench");
        boolean ok = true;
        System.out.printf("checker benchmark: %d runs after %d warm-ups, %d cores, max heap %d MiB%n", runs, warmups,
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        for (Case c : cases) {
            History generated = HistoryGenerator.forModel(c.model(), c.config());
            if (c.stale()) {
                generated = Corruptions.staleLastRead(generated);
            }
            Path file = dir.resolve(c.model() + ".jsonl");
            HistoryFiles.writeJsonl(generated, file);
            List<Double> checkSecs = new ArrayList<>();
            List<Double> totalSecs = new ArrayList<>();
            long peak = 0;
            Result last = null;
            for (int i = 0; i < warmups + runs; i++) {
                System.gc();
                resetPeaks();
                long t0 = System.nanoTime();
                History h = HistoryReader.read(file);
                long t1 = System.nanoTime();
                last = Checker.check(c.model(), h, CheckOptions.defaults().withTimeLimit(Duration.ofSeconds(60))
                        .withReductions(c.reductions()));
                long t2 = System.nanoTime();
                if (i >= warmups) {
                    checkSecs.add((t2 - t1) / 1e9);
                    totalSecs.add((t2 - t0) / 1e9);
                    peak = Math.max(peak, peakHeap());
                }
            }
            double check = median(checkSecs);
            System.out.printf("%-62s verdict %-7s check median %.3f s (min %.3f, max %.3f), read+check median %.3f s,"
                            + " peak heap %d MiB%s%n", c.name(), last.verdict().wireName(), check,
                    Collections.min(checkSecs), Collections.max(checkSecs), median(totalSecs), peak >> 20,
                    Double.isNaN(c.goalSeconds()) ? "" : String.format(" [goal < %.1f s: %s]", c.goalSeconds(),
                            median(totalSecs) < c.goalSeconds() ? "met" : "MISSED"));
            long configs = last.keys().stream().mapToLong(k -> k.configurations()).sum();
            System.out.printf("    %,d configurations explored (%,.0f per second)%s%n", configs, configs / check,
                    last.verdict() == Verdict.UNKNOWN ? "; stopped: " + last.keys().get(0).reason() : "");
            ok &= c.stale() ? last.verdict() != Verdict.VALID : last.verdict() == Verdict.VALID;
        }
        if (!ok) {
            System.out.println("a verdict was wrong: generated histories must be valid, corrupted ones not");
            System.exit(1);
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            p.resetPeakUsage();
        }
    }

    /** Sum of per-pool peaks: an upper bound on the heap in use at any instant of the run. */
    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
