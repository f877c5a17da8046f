package dev.dsync.chaos.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.dsync.chaos.clock.FakeClockCheck;
import dev.dsync.chaos.cluster.Cluster;
import dev.dsync.chaos.cluster.ClusterProbe;
import dev.dsync.chaos.nemesis.CrashWatch;
import dev.dsync.chaos.nemesis.Nemesis;
import dev.dsync.chaos.nemesis.Schedule;
import dev.dsync.chaos.workload.Workload;
import dev.dsync.checker.history.HistoryWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One chaos run: start the cluster, run the workload while the nemesis follows its schedule,
 * heal everything, give the cluster a recovery window in which it must serve again, stop, and
 * judge the recorded history. Leaves history.jsonl, schedule.json, the nodes' logs, results.json,
 * report.html and summary.json in the run's folder.
 */
final class ChaosRun {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Duration LEADER_WAIT = Duration.ofSeconds(30);
    private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(20);
    /** After the first ok operation post-heal, keep the load on this long: the cluster must keep serving. */
    private static final Duration AFTER_RECOVERY = Duration.ofSeconds(2);
    /** After the load stops, how long the replicas get to reach one applied index and show equal digests. */
    private static final Duration CONVERGENCE_LIMIT = Duration.ofSeconds(20);

    private final String label;
    private final Cluster cluster;
    private final Workload workload;
    private final Schedule schedule;
    private final Duration duration;
    private final Path dir;
    private long nextProgressAt;
    private List<String> faultsStarted = List.of();
    private List<String> nemesisViolations = List.of();
    /** Milliseconds from the final heal to the first ok operation; -1 if none (or no workload ran). */
    private long recoveryMs = -1;
    /** The replicas' state digests after the run; null when not compared. */
    private ConvergenceCheck.Outcome convergence;

    ChaosRun(String label, Cluster cluster, Workload workload, Schedule schedule, Duration duration, Path dir) {
        this.label = label;
        this.cluster = cluster;
        this.workload = workload;
        this.schedule = schedule;
        this.duration = duration;
        this.dir = dir;
    }

    /**
     * The first leader, waited for up to {@link #LEADER_WAIT}; empty at once when so many nodes exited on
     * their own that the rest make no majority (no leader can come, and the exits decide the verdict).
     */
    private Optional<String> awaitFirstLeader(ClusterProbe probe) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
        int nodes = cluster.nodeIds().size();
        while (System.nanoTime() < deadline) {
            Optional<String> leader = probe.leader();
            if (leader.isPresent()) {
                return leader;
            }
            if (nodes - cluster.exitedOnTheirOwn().size() <= nodes / 2) {
                return Optional.empty();
            }
            Thread.sleep(50);
        }
        return Optional.empty();
    }

    RunSummary execute(String workloadName) throws IOException, InterruptedException {
        long wallStart = System.nanoTime();
        Phases phases = new Phases(wallStart);
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("schedule.json").toFile(), schedule);
        Path historyFile = dir.resolve("history.jsonl");
        HistoryRecorder recorder;
        try (HistoryWriter writer = HistoryWriter.open(historyFile)) {
            recorder = new HistoryRecorder(writer);
            cluster.start();
            phases.end("start");
            ClusterProbe probe = new ClusterProbe(cluster);
            if (awaitFirstLeader(probe).isEmpty()) {
                // Nodes that halted on a failed safety assertion in the first election: a finding, judged invalid.
                nemesisViolations = cluster.exitedOnTheirOwn().entrySet().stream()
                        .map(e -> CrashWatch.violation(e.getKey(), e.getValue())).toList();
                if (nemesisViolations.isEmpty()) {
                    throw new IOException("the " + cluster.service() + " cluster elected no leader within " + LEADER_WAIT.toSeconds() + " s");
                }
                System.out.printf("[%s] no leader, no workload: %s%n", label, String.join("; ", nemesisViolations));
            } else {
                runUnderFaults(probe, recorder, phases);
            }
        } finally {
            cluster.collectLogs(dir.resolve("logs"));
            cluster.close();
            phases.end("stop");
        }
        CheckOutcome checked = CheckOutcome.judge(workload.model(), historyFile, dir);
        phases.end("check");
        System.out.printf("[%s] time: %s%n", label, phases);
        RunSummary summary = summarize(workloadName, recorder, checked, convergence, recoveryMs, (System.nanoTime() - wallStart) / 1_000_000);
        JSON.writeValue(dir.resolve("summary.json").toFile(), summary);
        return summary;
    }

    /** With a leader elected: the workload under the schedule's faults, the heal, recovery, the final reads and the convergence check. */
    private void runUnderFaults(ClusterProbe probe, HistoryRecorder recorder, Phases phases) throws IOException, InterruptedException {
        if (cluster.clocks().isPresent()) {
            FakeClockCheck.verify(cluster, cluster.clocks().get(), "at the start");
        }
        phases.end("leader");
        Nemesis nemesis = new Nemesis(cluster, probe, recorder::nemesis);
        AtomicBoolean stop = new AtomicBoolean();
        Thread clients = Thread.ofPlatform().name("workload").start(() -> {
            try {
                workload.run(cluster, recorder, stop);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long start = System.nanoTime();
        try {
            followSchedule(nemesis, recorder, start);
        } catch (IOException e) {
            // A node that exited on its own (its safety assertion failed) can fail a fault aimed at it: the
            // exit is the finding, and the run goes on to its verdict. Other failures end the run, naming
            // any wrong answers seen before.
            if (!nemesis.anyCrashed()) {
                List<String> wrong = nemesis.violations();
                throw wrong.isEmpty() ? e : new IOException(e.getMessage()
                        + "; before that, the nemesis's own requests were answered wrongly: " + String.join("; ", wrong), e);
            }
            System.out.printf("[%s] the schedule stopped after a node exited on its own: %s%n", label, e.getMessage());
        } finally {
            nemesis.healAll();
            faultsStarted = nemesis.started();
            nemesisViolations = nemesis.violations();
        }
        long healedAt = System.nanoTime();
        phases.end("workload");
        recoveryMs = awaitRecovery(recorder, healedAt);
        if (recoveryMs >= 0) {
            Thread.sleep(AFTER_RECOVERY.toMillis());
        }
        stop.set(true);
        clients.join();
        phases.end("recovery");
        workload.finish(cluster, recorder);
        phases.end("finish");
        if (cluster.clocks().isPresent()) {
            FakeClockCheck.verify(cluster, cluster.clocks().get(), "at the end");
        }
        if (cluster.reportsStateDigests()) {
            convergence = new ConvergenceCheck(cluster).await(CONVERGENCE_LIMIT);
            JSON.writeValue(dir.resolve("convergence.json").toFile(), convergence);
            System.out.printf("[%s] replicas: %s%n", label, convergence.converged()
                    ? "equal state digests of " + String.join(", ", convergence.members()) + " at applied index "
                    + convergence.index() : convergence.problem());
            phases.end("convergence");
        }
    }

    private void followSchedule(Nemesis nemesis, HistoryRecorder recorder, long start) throws InterruptedException, IOException {
        long endNanos = start + duration.toNanos();
        for (Schedule.Step step : schedule.steps()) {
            sleepUntil(start + step.startMs() * 1_000_000, recorder, nemesis, start);
            if (nemesis.anyCrashed()) {
                break; // already invalid; the workload runs on to the end against the nodes left
            }
            nemesis.start(step);
            sleepUntil(Math.min(endNanos, start + (step.startMs() + step.durationMs()) * 1_000_000), recorder, nemesis, start);
            nemesis.healAll();
        }
        sleepUntil(endNanos, recorder, nemesis, start);
    }

    /** Sleeps until the deadline, printing a progress line every two seconds. */
    private void sleepUntil(long deadline, HistoryRecorder recorder, Nemesis nemesis, long start) throws InterruptedException {
        while (true) {
            long now = System.nanoTime();
            if (now >= nextProgressAt) {
                progress(recorder, nemesis.current(), start);
                nextProgressAt = now + 2_000_000_000L;
            }
            long wake = Math.min(deadline, nextProgressAt);
            if (wake - now > 0) {
                Thread.sleep(Math.max(1, (wake - now) / 1_000_000));
            }
            if (System.nanoTime() >= deadline) {
                return;
            }
        }
    }

    private void progress(HistoryRecorder r, String fault, long start) {
        System.out.printf("[%s] %5.1fs  ok %d  fail %d  info %d  | fault: %s%n", label,
                (System.nanoTime() - start) / 1e9, r.ok.get(), r.fail.get(), r.info.get(), fault);
    }

    /** Milliseconds from the heal to the first ok operation after it, or -1 if none came in time. */
    private static long awaitRecovery(HistoryRecorder recorder, long healedAt) throws InterruptedException {
        long deadline = healedAt + RECOVERY_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            long lastOk = recorder.lastOkAt.get();
            if (lastOk > healedAt) {
                return (lastOk - healedAt) / 1_000_000;
            }
            Thread.sleep(10);
        }
        return -1;
    }

    private RunSummary summarize(String workloadName, HistoryRecorder r, CheckOutcome checked, ConvergenceCheck.Outcome convergence,
                                 long recoveryMs, long wallMs) {
        List<Long> latencies = new ArrayList<>(r.okLatencies);
        Collections.sort(latencies);
        long ok = r.ok.get();
        long fail = r.fail.get();
        long info = r.info.get();
        long completed = ok + fail + info;
        List<String> notes = new ArrayList<>();
        if (recoveryMs < 0) {
            notes.add("no ok operation within " + RECOVERY_LIMIT.toSeconds() + " s of the final heal");
        }
        if (r.firstUnexpected.get() != null) {
            notes.add("unexpected client error: " + r.firstUnexpected.get());
        }
        if (checked.summary() != null) {
            notes.add(checked.summary());
        }
        // A valid history from replicas that diverged still fails: the verdict says which check failed.
        String verdict = checked.verdict();
        if (convergence != null && !convergence.converged()) {
            notes.add(convergence.problem());
            if ("valid".equals(verdict)) {
                verdict = convergence.verdict();
            }
        }
        // An answer to the nemesis's own requests that no correct server can give (see Nemesis#violations):
        // a safety violation, so it outranks replicas that did not converge (often its consequence).
        if (!nemesisViolations.isEmpty()) {
            notes.add("the nemesis's own requests were answered wrongly: " + String.join("; ", nemesisViolations));
            verdict = "invalid";
        }
        if (!faultsStarted.isEmpty()) {
            notes.add("faults: " + String.join(", ", faultsStarted));
        }
        if (workload.stats() != null) {
            notes.add(workload.stats());
        }
        return new RunSummary(dir.getFileName().toString(), workloadName, schedule.nemesis(), schedule.seed(),
                verdict, ok, fail, info, completed == 0 ? 0 : (double) ok / completed,
                percentileMs(latencies, 0.50), percentileMs(latencies, 0.99), recoveryMs, wallMs, String.join("; ", notes));
    }

    static double percentileMs(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int i = Math.max(0, Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
        return Math.round(sorted.get(i) / 1e4) / 100.0;
    }
}
