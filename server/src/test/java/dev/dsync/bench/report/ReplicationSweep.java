package dev.dsync.bench.report;

import dev.dsync.bench.report.LoadRunner.Op;
import dev.dsync.bench.report.Results.Series;
import dev.dsync.bench.report.Results.Trial;
import dev.dsync.bench.report.Workloads.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What replication and fsync cost, on the enqueue path: 1 vs 3 vs 5 nodes, and 3 nodes with fsync
 * on vs off. Each variant gets its own cluster, warmed up once, then one trial per client count.
 */
final class ReplicationSweep {
    private static final Workload W = Workloads.ENQUEUE;

    private final Lab lab;

    ReplicationSweep(Lab lab) {
        this.lab = lab;
    }

    /** Variant of the enqueue cluster: size and fsync. */
    private record Variant(String id, String label, int nodes, boolean fsync) {
        Map<String, String> env() {
            return fsync ? Map.of() : Map.of("FSYNC", "false");
        }
    }

    List<Series> nodes() throws Exception {
        List<Variant> variants = new ArrayList<>();
        for (int n : ReportConfig.CLUSTER_SIZES) {
            variants.add(new Variant("nodes-" + n, n + (n == 1 ? " node" : " nodes"), n, true));
        }
        return sweep(variants);
    }

    List<Series> fsync() throws Exception {
        return sweep(List.of(new Variant("fsync-on", "fsync on (default)", 3, true), new Variant("fsync-off", "fsync off (FSYNC=false)", 3, false)));
    }

    private List<Series> sweep(List<Variant> variants) throws Exception {
        List<Series> out = new ArrayList<>();
        for (Variant v : variants) {
            try (Lab.Running running = lab.start(v.id(), W.service(), v.nodes(), v.env())) {
                String label = W.label() + ", " + v.label();
                Op op = lab.workloads().prepare(W, running.cluster(), running.leader());
                lab.warmUp(label, op);
                List<Trial> trials = new ArrayList<>();
                for (int clients : ReportConfig.REPLICATION_CLIENTS) {
                    trials.add(lab.trial(label, W, clients, op));
                }
                out.add(new Series(v.id(), v.label(), W.operation(), v.nodes(), v.fsync(), trials,
                        lab.workloads().queueDepth(running.cluster().port(running.leader()))));
            }
        }
        return out;
    }
}
