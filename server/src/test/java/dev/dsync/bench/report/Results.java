package dev.dsync.bench.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.List;

/** What one report run measured. Plain data, written to and read back from bench-results/report/*.json. */
final class Results {
    private Results() {
    }

    /**
     * One measured window: {@code clients} closed-loop clients for {@code seconds}. Latencies are of
     * the successful operations; {@code hitRatio} is set for cache gets only.
     */
    record Trial(int clients, long ops, long errors, double seconds, double opsPerSecond, double p50Ms, double p99Ms,
                 Double hitRatio, String firstError) {
    }

    /**
     * One curve: the same operation against one cluster at several client counts, in that order.
     * {@code queueDepthAtEnd}: for enqueue series, the messages the queue held after the last trial
     * (nothing dequeues, so the backlog grows along the sweep); null for the others.
     */
    record Series(String id, String label, String operation, int nodes, boolean fsync, List<Trial> trials,
                  Long queueDepthAtEnd) {
        Trial at(int clients) {
            return trials.stream().filter(t -> t.clients() == clients).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(id + " has no trial with " + clients + " clients"));
        }

        Trial best() {
            return trials.stream().max((a, b) -> Double.compare(a.opsPerSecond(), b.opsPerSecond()))
                    .orElseThrow(() -> new IllegalStateException(id + " has no trials"));
        }
    }

    /** Kill -9 of the leader to the first write acknowledged by the survivors, once per trial. */
    record Failover(String service, String write, List<Double> trialsMs) {
        @JsonProperty("p50_ms")
        double p50Ms() {
            return Percentiles.median(values());
        }

        @JsonProperty("max_ms")
        double maxMs() {
            return Arrays.stream(values()).max().orElseThrow();
        }

        private double[] values() {
            return trialsMs.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    /** One line of compare-etcd.sh's summary: medians over its trials. */
    record EtcdRow(String dsync, double dsyncOpsPerSecond, double dsyncP50Ms, String etcd, double etcdOpsPerSecond,
                   double etcdP50Ms) {
    }

    /**
     * {@code status}: "measured"; "not-requested" or "not-installed" (no rows); or "failed" (asked
     * for, but the comparison did not complete: {@code note} says why).
     */
    record Etcd(String status, int trials, String etcdVersion, List<EtcdRow> rows, String note) {
        static Etcd notRequested(boolean installed) {
            return new Etcd(installed ? "not-requested" : "not-installed", 0, "", List.of(), "");
        }

        static Etcd failed(String why) {
            return new Etcd("failed", 0, "", List.of(), why);
        }
    }

    /** {@code cpuBusyBefore}: share of all cores busy over the 2 s before the first cluster started. */
    record Machine(String date, String commit, int cores, String cpu, String memory, String jdk, String os,
                   String dataFileSystem, String cpuBusyBefore) {
    }

    /** How the run was set up (all of it shows in the report's method section). */
    record Setup(double trialSeconds, double warmupSeconds, double clusterWarmupSeconds, List<Integer> clients,
                 List<Integer> replicationClients, int failoverTrials, String nodeJvmOptions) {
    }

    record Report(Machine machine, Setup setup, List<Series> clients, List<Series> nodes, List<Series> fsync,
                  List<Failover> failover, Etcd etcd, double runSeconds) {
    }
}
