package dev.dsync.bench.report;

import dev.dsync.bench.report.Results.Etcd;
import dev.dsync.bench.report.Results.Failover;
import dev.dsync.bench.report.Results.Machine;
import dev.dsync.bench.report.Results.Report;
import dev.dsync.bench.report.Results.Series;
import dev.dsync.bench.report.Results.Setup;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code make bench BENCH=report}: measures the clusters it starts itself (see {@link ClientSweep},
 * {@link ReplicationSweep}, {@link FailoverTrials}, and with ETCD=1 {@link EtcdComparison}), writes
 * the measurements to bench-results/report/*.json, then renders docs/performance.md and its graphs
 * docs/performance/*.svg from them. Run from the repository root.
 *
 * <p>{@code --render-only} renders the documents again from the JSON of the last run, measuring
 * nothing (for changes to the rendering).
 */
public final class ReportMain {
    private ReportMain() {
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of("").toAbsolutePath();
        try {
            if (!Files.isRegularFile(repo.resolve("Makefile")) || !Files.isDirectory(repo.resolve("server"))) {
                throw new IllegalArgumentException("run from the repository root (make bench BENCH=report does), not " + repo);
            }
            if (args.length == 1 && args[0].equals("--render-only")) {
                Report report = ReportFiles.read(repo.resolve("bench-results/report"));
                writeDocs(report, repo.resolve("docs"));
                System.out.println("rendered " + repo.resolve("docs/performance.md") + " from bench-results/report/*.json");
                return;
            }
            if (args.length > 0) {
                throw new IllegalArgumentException("unknown arguments " + List.of(args) + "; the only one is --render-only");
            }
            measureAndRender(ReportConfig.fromEnvironment(System.getenv(), repo), repo);
        } catch (IllegalArgumentException e) {
            System.err.println("performance report: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void measureAndRender(ReportConfig config, Path repo) throws Exception {
        if (config.etcd()) {
            EtcdComparison.checkRunnable(config);
        }
        // Whatever ends the run (an error, Ctrl-C), no node it started outlives it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly)));
        long start = System.nanoTime();
        NodeCluster.deleteRecursively(config.results()); // this run's results and node logs only
        Machine machine = MachineFacts.collect(repo, config.results().resolve("data"));
        Lab lab = new Lab(config);
        lab.log("performance report: %d cores, %s; results in %s", machine.cores(), machine.jdk(), config.results());
        List<Series> clients = new ClientSweep(lab).run();
        ReplicationSweep replication = new ReplicationSweep(lab);
        List<Series> nodes = replication.nodes();
        List<Series> fsync = replication.fsync();
        List<Failover> failover = new FailoverTrials(lab).run();
        Etcd etcd = Etcd.notRequested(EtcdComparison.installed());
        if (config.etcd()) {
            try {
                etcd = EtcdComparison.run(config, repo, lab);
            } catch (IllegalStateException e) { // keep the rest of the run's measurements; fail at the end
                etcd = Etcd.failed(e.getMessage());
            }
        }
        Setup setup = new Setup(config.trial().toMillis() / 1000.0, config.warmup().toMillis() / 1000.0,
                config.clusterWarmup().toMillis() / 1000.0, ReportConfig.CLIENTS, ReportConfig.REPLICATION_CLIENTS,
                config.failoverTrials(), String.join(" ", NodeCluster.NODE_JVM));
        Report report = new Report(machine, setup, clients, nodes, fsync, failover, etcd,
                Math.round((System.nanoTime() - start) / 1e8) / 10.0);
        ReportFiles.write(report, config.results());
        writeDocs(report, config.docs());
        lab.log("done: %s and %s/*.svg, from %s/*.json", config.docs().resolve("performance.md"),
                config.docs().resolve(MarkdownReport.GRAPHS), config.results());
        if (etcd.status().equals("failed")) {
            System.err.println("performance report: the etcd comparison failed (the report says so): " + etcd.note());
            System.exit(1);
        }
    }

    /** Writes performance.md and the graphs it shows (removing graphs of earlier runs that it no longer shows). */
    static void writeDocs(Report report, Path docs) throws IOException {
        Path graphs = Files.createDirectories(docs.resolve(MarkdownReport.GRAPHS));
        Map<String, String> svgs = Charts.all(report);
        try (DirectoryStream<Path> old = Files.newDirectoryStream(graphs, "*.svg")) {
            for (Path p : old) {
                if (!svgs.containsKey(p.getFileName().toString().replaceFirst("\\.svg$", ""))) {
                    Files.delete(p);
                }
            }
        }
        for (Map.Entry<String, String> svg : svgs.entrySet()) {
            Files.writeString(graphs.resolve(svg.getKey() + ".svg"), svg.getValue());
        }
        Files.writeString(docs.resolve("performance.md"), MarkdownReport.render(report));
    }
}
