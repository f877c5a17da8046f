package dev.dsync.chaos.run;

import dev.dsync.chaos.cluster.Cluster;
import dev.dsync.chaos.nemesis.Schedule;
import dev.dsync.chaos.workload.CacheWorkload;
import dev.dsync.chaos.workload.LockWorkload;
import dev.dsync.chaos.workload.QueueWorkload;
import dev.dsync.chaos.workload.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code make chaos}: runs every chosen workload under every chosen nemesis (CHAOS_PARALLEL runs at once, never two
 * of one workload: {@link RunQueue}),
 * writes chaos-results/index.html, and exits 1 if any run is not valid or the cluster did not
 * serve again after the final heal.
 */
public final class ChaosMain {
    private ChaosMain() {}

    public static void main(String[] args) throws Exception {
        ChaosOptions options;
        try {
            options = ChaosOptions.from(System::getenv);
        } catch (IllegalArgumentException e) {
            System.err.println("chaos: " + e.getMessage());
            System.exit(2);
            return;
        }
        Files.createDirectories(options.resultsRoot());
        long matrixStart = System.nanoTime();
        List<RunSummary> runs = new ArrayList<>();
        RunQueue queue = new RunQueue(options.workloads(), options.nemeses());
        Map<RunQueue.Run, RunSummary> done = new ConcurrentHashMap<>();
        try (FaultServer faults = FaultServer.start(options);
             ExecutorService workers = Executors.newFixedThreadPool(options.parallel())) {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < options.parallel(); i++) {
                running.add(workers.submit(() -> {
                    for (RunQueue.Run run = queue.take(); run != null; run = queue.take()) {
                        try {
                            done.put(run, runOne(options, faults, run.workload(), run.nemesis()));
                            writeIndex(options.resultsRoot());
                        } finally {
                            queue.finished(run);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        }
        for (String workloadName : options.workloads()) { // the table in matrix order, whatever order they ran in
            for (String nemesisName : options.nemeses()) {
                runs.add(done.get(new RunQueue.Run(workloadName, nemesisName)));
            }
        }
        Path index = writeIndex(options.resultsRoot());
        printTable(runs, (System.nanoTime() - matrixStart) / 1_000_000_000.0, index);
        System.exit(runs.stream().allMatch(RunSummary::passed) ? 0 : 1);
    }

    private static synchronized Path writeIndex(Path root) throws java.io.IOException {
        return IndexPage.write(root);
    }

    private static RunSummary runOne(ChaosOptions options, FaultServer faults, String workloadName, String nemesisName)
            throws Exception {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path dir = options.resultsRoot().resolve(stamp + "-" + workloadName + "-" + nemesisName);
        Duration duration = Duration.ofSeconds(options.durationSeconds());
        Schedule schedule = Schedule.generate(nemesisName, options.seed(), duration.toMillis());
        String label = workloadName + "/" + nemesisName + " seed " + options.seed();
        System.out.printf("== %s: %d faults over %d s -> %s%n", label, schedule.steps().size(), duration.toSeconds(), dir);
        boolean fakeClocks = schedule.steps().stream().anyMatch(step -> step.kind().family.equals("clock"));
        try {
            Map<String, String> env = new java.util.HashMap<>(nodeEnvironment());
            env.put("ADMIN_TOKEN", adminToken());
            Cluster cluster = faults.cluster(workloadName, dir, env, fakeClocks, hasPowerLoss(schedule));
            Workload workload = workload(workloadName, options);
            RunSummary summary = new ChaosRun(label, cluster, workload, schedule, duration, dir).execute(workloadName);
            System.out.printf("== %s: %s, ok %d fail %d info %d, availability %.1f%%, recovery %s%n", label,
                    summary.verdict(), summary.ok(), summary.fail(), summary.info(), summary.availability() * 100,
                    summary.recoveryMs() < 0 ? "never" : summary.recoveryMs() + " ms");
            if (workload.stats() != null) {
                System.out.println("   " + workload.stats());
            }
            return summary;
        } catch (Exception e) {
            System.out.printf("== %s: the run could not complete: %s (stack trace in %s)%n", label, e, dir.resolve("error.txt"));
            Files.createDirectories(dir);
            java.io.StringWriter trace = new java.io.StringWriter();
            e.printStackTrace(new java.io.PrintWriter(trace));
            Files.writeString(dir.resolve("error.txt"), trace.toString());
            RunSummary failed = new RunSummary(dir.getFileName().toString(), workloadName, nemesisName, options.seed(),
                    "error", 0, 0, 0, 0, 0, 0, -1, 0, e.toString());
            Files.createDirectories(dir);
            ChaosRun.JSON.writeValue(dir.resolve("summary.json").toFile(), failed);
            return failed;
        }
    }

    /** Whether some step is a power loss, which needs data dirs that can lose unsynced writes. */
    static boolean hasPowerLoss(Schedule schedule) {
        return schedule.steps().stream().anyMatch(s -> s.kind().family.equals("power"));
    }

    /**
     * Node settings for chaos runs: answer 504 before the bench's client gives up; snapshot often;
     * and start a new log segment every 64 KiB, so every run rotates segments many times (with the
     * default 64 MiB no run ever did, and a rotation that forgot its directory fsync went unseen
     * by the power nemesis: make mutants ONLY=storage-no-dir-fsync-on-rotate).
     */
    static Map<String, String> nodeEnvironment() {
        return Map.of("REQUEST_TIMEOUT_MS", "2000", "SNAPSHOT_EVERY", "500", "SEGMENT_BYTES", "65536");
    }

    /**
     * A fresh admin token per run for every node: the membership nemesis needs it for its changes and
     * joining nodes to ask to be added; random, so no run's nodes take another run's calls.
     */
    static String adminToken() {
        byte[] bytes = new byte[16];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    static Workload workload(String name, ChaosOptions options) {
        return switch (name) {
            case "lock" -> new LockWorkload(options.clients(), 4, 2_000, 500, options.seed(), options.fullApi());
            case "queue" -> new QueueWorkload(options.clients(), options.seed(), options.fullApi());
            case "cache" -> new CacheWorkload(options.clients(), 5, 2, options.seed(), options.fullApi());
            default -> throw new IllegalArgumentException("no workload " + name);
        };
    }

    private static void printTable(List<RunSummary> runs, double seconds, Path index) {
        System.out.println();
        System.out.printf("%-10s %-10s %-8s %8s %6s %6s %8s %14s %10s%n",
                "workload", "nemesis", "verdict", "ok", "fail", "info", "avail", "p50/p99 ms", "recovery");
        for (RunSummary r : runs) {
            System.out.printf("%-10s %-10s %-8s %8d %6d %6d %7.1f%% %14s %10s%n", r.workload(), r.nemesis(), r.verdict(),
                    r.ok(), r.fail(), r.info(), r.availability() * 100, String.format("%.1f/%.1f", r.p50Ms(), r.p99Ms()),
                    r.recoveryMs() < 0 ? "never" : r.recoveryMs() + " ms");
        }
        // What failed and how to replay it, last, where a CI log's tail shows it.
        for (RunSummary r : runs) {
            if (!r.passed()) {
                String note = r.note() == null ? "" : r.note();
                System.out.printf("%nfailed: %s/%s (%s): %s%n  replay: make chaos WORKLOAD=%s NEMESIS=%s SEED=%d; results in %s%n",
                        r.workload(), r.nemesis(), r.verdict(), note.length() > 600 ? note.substring(0, 600) + "..." : note,
                        r.workload(), r.nemesis(), r.seed(), r.dir());
            }
        }
        long passed = runs.stream().filter(RunSummary::passed).count();
        System.out.printf("%n%d of %d runs passed in %.0f s. Index: %s%n", passed, runs.size(), seconds, index.toAbsolutePath());
    }
}
