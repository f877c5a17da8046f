package dev.dsync.bench.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The report's settings, from the environment (the Makefile passes them through). Bad values are
 * refused with a message naming the setting, before anything starts.
 *
 * <pre>
 * ETCD=1                  also run the etcd comparison (needs etcd, etcdctl and wrk on PATH)
 * ETCD_TRIALS=3           its trials
 * ETCD_SCRIPT=../shared/bench/compare-etcd.sh
 * REPORT_TRIAL_S=3        measured window of each trial
 * REPORT_WARMUP_S=1       unrecorded load before each trial
 * REPORT_CLUSTER_WARMUP_S=10 unrecorded load at 8 clients on each new cluster before its first trial
 * REPORT_FAILOVER_TRIALS=5 leader kills per service
 * REPORT_PORT_BASE=21000  clusters use ports from here (each cluster the next block of 10), below base + 1000
 * </pre>
 */
record ReportConfig(boolean etcd, int etcdTrials, Path etcdScript, Duration trial, Duration warmup, Duration clusterWarmup,
                    int failoverTrials, int portBase, Path jar, Path results, Path docs) {
    static final List<Integer> CLIENTS = List.of(1, 2, 4, 8, 16, 32, 64);
    static final List<Integer> REPLICATION_CLIENTS = List.of(1, 4, 16, 64);
    static final List<Integer> CLUSTER_SIZES = List.of(1, 3, 5);

    static ReportConfig fromEnvironment(Map<String, String> env, Path repo) {
        Function<String, String> get = name -> env.getOrDefault(name, "").trim();
        String etcd = get.apply("ETCD");
        if (!List.of("", "0", "1").contains(etcd)) {
            throw new IllegalArgumentException("ETCD must be 1 (run the etcd comparison) or 0/empty (do not), not '" + etcd + "'");
        }
        Path jar = Path.of(System.getProperty("server.jar", repo.resolve("server/target/server.jar").toString()));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no server jar at " + jar + ": run make build (or pass -Dserver.jar=...)");
        }
        String script = get.apply("ETCD_SCRIPT");
        int portBase = number(get, "REPORT_PORT_BASE", 21000, 1024, 64000);
        if (portBase <= 8202 && portBase + 1000 > 8000) {
            throw new IllegalArgumentException("REPORT_PORT_BASE " + portBase + " overlaps make up's ports 8000-8202");
        }
        return new ReportConfig(etcd.equals("1"), number(get, "ETCD_TRIALS", 3, 1, 20),
                script.isEmpty() ? repo.resolve("../shared/bench/compare-etcd.sh").normalize() : Path.of(script),
                Duration.ofSeconds(number(get, "REPORT_TRIAL_S", 3, 1, 600)), Duration.ofSeconds(number(get, "REPORT_WARMUP_S", 1, 0, 600)),
                Duration.ofSeconds(number(get, "REPORT_CLUSTER_WARMUP_S", 10, 0, 600)),
                number(get, "REPORT_FAILOVER_TRIALS", 5, 1, 100), portBase, jar,
                repo.resolve("bench-results/report"), repo.resolve("docs"));
    }

    private static int number(Function<String, String> get, String name, int fallback, int min, int max) {
        String raw = get.apply(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(raw);
            if (v < min || v > max) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", not " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + raw + "'");
        }
    }
}
