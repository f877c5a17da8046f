package dev.dsync.bench.report;

import dev.dsync.bench.report.LoadRunner.Op;
import dev.dsync.bench.report.Results.Trial;
import dev.dsync.bench.report.Workloads.Workload;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts the clusters of one report run (each on the next block of 10 ports from the base, so no
 * cluster reuses another's ports) and runs trials against them, printing progress as it goes.
 */
final class Lab {
    private static final int PORTS_PER_CLUSTER = 10;
    private static final int MAX_CLUSTERS = 100;

    private final ReportConfig config;
    private final long startedAt = System.nanoTime();
    private final Workloads workloads = new Workloads();
    private int clustersStarted;

    Lab(ReportConfig config) {
        this.config = config;
    }

    ReportConfig config() {
        return config;
    }

    Workloads workloads() {
        return workloads;
    }

    /** A cluster that is up, with an agreed leader that has accepted a write. */
    record Running(NodeCluster cluster, String leader) implements AutoCloseable {
        @Override
        public void close() throws IOException, InterruptedException {
            cluster.close();
        }
    }

    /**
     * The enqueue sweeps enqueue about 60,000 small messages and consume none: twice the default limit
     * of a 256 MB node (a sixteenth of the heap) keeps them clear of it, well below what the heap holds.
     */
    static final String QUEUE_MAX_BYTES = Integer.toString(32 << 20);

    Running start(String name, String service, int size, Map<String, String> env) throws Exception {
        if (clustersStarted == MAX_CLUSTERS) {
            throw new IllegalStateException("more than " + MAX_CLUSTERS + " clusters in one run");
        }
        int firstPort = config.portBase() + PORTS_PER_CLUSTER * clustersStarted++;
        if (service.equals("queue") && !env.containsKey("QUEUE_MAX_BYTES")) {
            env = new HashMap<>(env);
            env.put("QUEUE_MAX_BYTES", QUEUE_MAX_BYTES);
        }
        NodeCluster cluster = new NodeCluster(name, service, size, firstPort, env, config.jar(),
                config.results().resolve("data"), config.results().resolve("logs"));
        try {
            cluster.startAll();
            String leader = cluster.awaitLeader(Duration.ofSeconds(30));
            workloads.awaitWritable(service, cluster.port(leader), Duration.ofSeconds(20));
            return new Running(cluster, leader);
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** Unrecorded load at 8 clients, so a fresh cluster's JIT has compiled the paths the trials use. */
    void warmUp(String label, Op op) throws InterruptedException {
        Trial t = LoadRunner.run(8, Duration.ZERO, config.clusterWarmup(), false, op);
        log("%-28s warm-up, 8 clients for %d s: %.1f ops/s", label, config.clusterWarmup().toSeconds(), t.opsPerSecond());
    }

    Trial trial(String label, Workload w, int clients, Op op) throws InterruptedException {
        Trial t = LoadRunner.run(clients, config.warmup(), config.trial(), w.countHits(), op);
        if (t.ops() == 0) {
            throw new IllegalStateException(label + " with " + clients + " clients: no operation succeeded; first error: " + t.firstError());
        }
        log("%-28s %2d clients: %9.1f ops/s  p50 %7.2f ms  p99 %7.2f ms%s%s", label, clients, t.opsPerSecond(), t.p50Ms(), t.p99Ms(),
                t.hitRatio() == null ? "" : String.format("  hits %.1f %%", 100 * t.hitRatio()),
                t.errors() == 0 ? "" : "  errors " + t.errors() + " (first: " + t.firstError() + ")");
        return t;
    }

    void log(String format, Object... args) {
        System.out.printf("[%4d s] %s%n", elapsedSeconds(), String.format(format, args));
    }

    long elapsedSeconds() {
        return (System.nanoTime() - startedAt) / 1_000_000_000L;
    }
}
