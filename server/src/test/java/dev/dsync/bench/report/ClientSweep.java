package dev.dsync.bench.report;

import dev.dsync.bench.report.LoadRunner.Op;
import dev.dsync.bench.report.Results.Series;
import dev.dsync.bench.report.Results.Trial;
import dev.dsync.bench.report.Workloads.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Throughput and latency of each workload against 1-64 clients on three-node clusters: one cluster
 * per service, warmed up once, then one trial per client count from 1 up. The cache cluster serves
 * the put sweep, then the get sweep.
 */
final class ClientSweep {
    private final Lab lab;

    ClientSweep(Lab lab) {
        this.lab = lab;
    }

    List<Series> run() throws Exception {
        List<Series> out = new ArrayList<>();
        for (Workload w : List.of(Workloads.LOCK, Workloads.ENQUEUE)) {
            try (Lab.Running running = lab.start("clients-" + w.id(), w.service(), 3, Map.of())) {
                out.add(sweep(w, running));
            }
        }
        try (Lab.Running cache = lab.start("clients-cache", "cache", 3, Map.of())) {
            out.add(sweep(Workloads.CACHE_PUT, cache));
            out.add(sweep(Workloads.CACHE_GET, cache));
        }
        return out;
    }

    private Series sweep(Workload w, Lab.Running running) throws Exception {
        Op op = lab.workloads().prepare(w, running.cluster(), running.leader());
        lab.warmUp(w.label(), op);
        List<Trial> trials = new ArrayList<>();
        for (int clients : ReportConfig.CLIENTS) {
            trials.add(lab.trial(w.label(), w, clients, op));
        }
        return new Series(w.id(), w.label(), w.operation(), 3, true, trials,
                w == Workloads.ENQUEUE ? lab.workloads().queueDepth(running.cluster().port(running.leader())) : null);
    }
}
