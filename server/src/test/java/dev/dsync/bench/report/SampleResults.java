package dev.dsync.bench.report;

import dev.dsync.bench.report.Results.Etcd;
import dev.dsync.bench.report.Results.EtcdRow;
import dev.dsync.bench.report.Results.Failover;
import dev.dsync.bench.report.Results.Machine;
import dev.dsync.bench.report.Results.Report;
import dev.dsync.bench.report.Results.Series;
import dev.dsync.bench.report.Results.Setup;
import dev.dsync.bench.report.Results.Trial;
import java.util.ArrayList;
import java.util.List;

/** Made-up results of a known shape, for the tests of the rendering (never written to docs/). */
final class SampleResults {
    private SampleResults() {
    }

    static Report report(Etcd etcd) {
        List<Series> clients = List.of(
                series("lock", "lock acquire+release", 3, true, ReportConfig.CLIENTS, 900, 1.1),
                series("enqueue", "queue enqueue", 3, true, ReportConfig.CLIENTS, 1500, 0.9),
                series("cache-put", "cache put", 3, true, ReportConfig.CLIENTS, 1200, 1.0),
                series("cache-get", "cache get (hit)", 3, true, ReportConfig.CLIENTS, 9000, 0.2));
        List<Series> nodes = List.of(
                series("nodes-1", "1 node", 1, true, ReportConfig.REPLICATION_CLIENTS, 3000, 0.5),
                series("nodes-3", "3 nodes", 3, true, ReportConfig.REPLICATION_CLIENTS, 1500, 0.9),
                series("nodes-5", "5 nodes", 5, true, ReportConfig.REPLICATION_CLIENTS, 1000, 1.4));
        List<Series> fsync = List.of(
                series("fsync-on", "fsync on (default)", 3, true, ReportConfig.REPLICATION_CLIENTS, 1500, 0.9),
                series("fsync-off", "fsync off (FSYNC=false)", 3, false, ReportConfig.REPLICATION_CLIENTS, 4000, 0.4));
        List<Failover> failover = List.of(new Failover("lock", "lock acquire", List.of(512.0, 731.5, 604.0)),
                new Failover("queue", "queue enqueue", List.of(450.0, 820.0, 555.0)),
                new Failover("cache", "cache put", List.of(900.0, 1210.0, 1002.0)));
        Machine machine = new Machine("2026-11-30T15:20:00Z", "abcdef123456", 2, "Sample CPU @ 2.0GHz", "7.8 GiB",
                "Eclipse Adoptium 25.0.3+9-LTS", "Linux 6.1 amd64", "ext4", "3 %");
        Setup setup = new Setup(3, 1, 10, ReportConfig.CLIENTS, ReportConfig.REPLICATION_CLIENTS, 3, "-Xmx256m -XX:+UseSerialGC");
        return new Report(machine, setup, clients, nodes, fsync, failover, etcd, 431.7);
    }

    static Etcd measuredEtcd() {
        return new Etcd("measured", 3, "3.4.23", List.of(
                new EtcdRow("dsync_enq_1", 612.5, 1.61, "etcd_put_1", 1534.2, 0.64),
                new EtcdRow("dsync_lock_8", 801.0, 9.2, "etcd_lock_8", 402.0, 19.5)), "");
    }

    /** Throughput rising to a plateau as clients grow, latency rising with them. */
    static Series series(String id, String label, int nodes, boolean fsync, List<Integer> clients, double peak, double baseMs) {
        List<Trial> trials = new ArrayList<>();
        for (int c : clients) {
            double ops = peak * c / (c + 3.0);
            double p50 = baseMs * (1 + c / 4.0);
            trials.add(new Trial(c, Math.round(ops * 3), c == 64 ? 2 : 0, 3.0, Math.round(ops * 10) / 10.0, p50, p50 * 3.5,
                    id.equals("cache-get") ? 0.998 : null, c == 64 ? "enq answered 503 {\"error\":\"no leader\"}" : null));
        }
        return new Series(id, label, "the sample operation of " + id, nodes, fsync, trials,
                id.equals("enqueue") || id.startsWith("nodes") || id.startsWith("fsync") ? 12_345L : null);
    }
}
