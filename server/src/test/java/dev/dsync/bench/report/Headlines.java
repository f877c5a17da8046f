package dev.dsync.bench.report;

import static dev.dsync.bench.report.MarkdownReport.ms;
import static dev.dsync.bench.report.MarkdownReport.ops;

import dev.dsync.bench.report.Results.Failover;
import dev.dsync.bench.report.Results.Report;
import dev.dsync.bench.report.Results.Series;
import dev.dsync.bench.report.Results.Trial;
import java.util.List;
import java.util.Locale;

/** The report's summary: a few figures picked from the results (which ones is fixed; the values are measured). Pure. */
final class Headlines {
    private Headlines() {
    }

    static void append(StringBuilder md, Report r) {
        md.append("## In short\n\n");
        for (Series s : r.clients()) {
            Trial best = s.best();
            Trial one = s.trials().get(0);
            Trial most = s.trials().get(s.trials().size() - 1);
            md.append(String.format(Locale.ROOT, "- **%s**: at most %s ops/s (at %d clients); p50 / p99 %s / %s ms with %d client, "
                    + "%s / %s ms with %d.%n", s.label(), ops(best.opsPerSecond()), best.clients(), ms(one.p50Ms()),
                    ms(one.p99Ms()), one.clients(), ms(most.p50Ms()), ms(most.p99Ms()), most.clients()));
        }
        replication(md, r.nodes());
        fsync(md, r.fsync());
        md.append("- **failover** (kill -9 of the leader to the first acknowledged write), median / max: ");
        List<Failover> f = r.failover();
        for (int i = 0; i < f.size(); i++) {
            md.append(String.format(Locale.ROOT, "%s%s %.0f / %.0f ms", i == 0 ? "" : ", ", f.get(i).service(), f.get(i).p50Ms(),
                    f.get(i).maxMs()));
        }
        md.append(".\n");
        if (r.etcd().status().equals("measured")) {
            md.append("- **etcd**: measured side by side in this run, see the last section.\n");
        }
        md.append('\n');
    }

    /** Enqueue throughput of each cluster size at the fewest and the most clients, relative to one node. */
    private static void replication(StringBuilder md, List<Series> nodes) {
        Series single = nodes.get(0);
        md.append("- **replication** (enqueue, ops/s):");
        for (int clients : ends(single)) {
            md.append(String.format(Locale.ROOT, " with %d client%s ", clients, clients == 1 ? "" : "s"));
            for (int i = 0; i < nodes.size(); i++) {
                Series s = nodes.get(i);
                double v = s.at(clients).opsPerSecond();
                md.append(i == 0 ? "" : ", ").append(s.label()).append(' ').append(ops(v));
                if (i > 0) {
                    md.append(String.format(Locale.ROOT, " (%.0f %% of %s)", 100 * v / single.at(clients).opsPerSecond(),
                            single.label()));
                }
            }
            md.append(';');
        }
        md.setLength(md.length() - 1);
        md.append(".\n");
    }

    /** Enqueue with fsync off relative to on, at the fewest and the most clients. */
    private static void fsync(StringBuilder md, List<Series> fsync) {
        Series on = fsync.stream().filter(Series::fsync).findFirst().orElseThrow();
        Series off = fsync.stream().filter(s -> !s.fsync()).findFirst().orElseThrow();
        md.append("- **fsync** (enqueue, 3 nodes): switching it off gives");
        for (int clients : ends(on)) {
            Trial a = on.at(clients);
            Trial b = off.at(clients);
            md.append(String.format(Locale.ROOT, " x%.2f the throughput with %d client%s (%s vs %s ops/s, p50 %s vs %s ms);",
                    b.opsPerSecond() / a.opsPerSecond(), clients, clients == 1 ? "" : "s", ops(b.opsPerSecond()),
                    ops(a.opsPerSecond()), ms(b.p50Ms()), ms(a.p50Ms())));
        }
        md.setLength(md.length() - 1);
        md.append(".\n");
    }

    private static List<Integer> ends(Series s) {
        return List.of(s.trials().get(0).clients(), s.trials().get(s.trials().size() - 1).clients());
    }
}
