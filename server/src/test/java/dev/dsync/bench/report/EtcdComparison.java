package dev.dsync.bench.report;

import dev.dsync.bench.report.Results.Etcd;
import dev.dsync.bench.report.Results.EtcdRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * dsync and etcd side by side: runs the shared compare-etcd.sh (its own load generators, etcd 3.4
 * and dsync on loopback) and keeps the medians its summary prints. Only when asked (ETCD=1); then
 * etcd, etcdctl and wrk must be on PATH, or the run stops before measuring anything.
 */
final class EtcdComparison {
    /** A summary line: "  dsync_enq_1  123.4/s p50 1.23 ms | etcd_put_1  456.7/s p50 0.45 ms | throughput x0.27, p50 x2.73". */
    private static final Pattern ROW = Pattern.compile(
            "^\\s*(\\w+)\\s+([\\d.]+)/s p50\\s+([\\d.]+) ms \\| (\\w+)\\s+([\\d.]+)/s p50\\s+([\\d.]+) ms \\|.*$");
    private static final List<String> NEEDED = List.of("etcd", "etcdctl", "wrk");

    private EtcdComparison() {
    }

    static boolean installed() {
        return NEEDED.stream().allMatch(EtcdComparison::onPath);
    }

    /** Refuses ETCD=1 up front when the comparison cannot run. */
    static void checkRunnable(ReportConfig config) {
        for (String tool : NEEDED) {
            if (!onPath(tool)) {
                throw new IllegalArgumentException("ETCD=1 needs " + tool + " on PATH (Debian: apt-get install etcd-server etcd-client wrk)");
            }
        }
        if (!Files.isRegularFile(config.etcdScript())) {
            throw new IllegalArgumentException("ETCD=1 needs the comparison script at " + config.etcdScript() + " (set ETCD_SCRIPT)");
        }
    }

    static Etcd run(ReportConfig config, Path repo, Lab lab) throws IOException, InterruptedException {
        Path out = config.results().resolve("etcd-compare.txt");
        lab.log("etcd comparison: %s %d (output in %s)", config.etcdScript(), config.etcdTrials(), out);
        Process p = new ProcessBuilder("bash", config.etcdScript().toString(), Integer.toString(config.etcdTrials()))
                .directory(repo.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        p.getOutputStream().close();
        long limitMinutes = 10L * config.etcdTrials() + 5;
        if (!p.waitFor(limitMinutes, TimeUnit.MINUTES)) {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
            p.destroyForcibly();
            throw new IllegalStateException("compare-etcd.sh did not finish within " + limitMinutes + " minutes; see " + out);
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        List<EtcdRow> rows = parse(text);
        if (p.exitValue() != 0 || rows.isEmpty()) {
            throw new IllegalStateException("compare-etcd.sh exited " + p.exitValue() + " with " + rows.size()
                    + " summary rows; its output is in " + out);
        }
        return new Etcd("measured", config.etcdTrials(), version(), rows, "");
    }

    static List<EtcdRow> parse(String output) {
        List<EtcdRow> rows = new ArrayList<>();
        boolean summary = false;
        for (String line : output.split("\n")) {
            summary |= line.startsWith("medians over trials");
            Matcher m = ROW.matcher(line);
            if (summary && m.matches()) {
                rows.add(new EtcdRow(m.group(1), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
                        m.group(4), Double.parseDouble(m.group(5)), Double.parseDouble(m.group(6))));
            }
        }
        return rows;
    }

    private static String version() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("etcd", "--version").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        Matcher m = Pattern.compile("etcd Version: (\\S+)").matcher(text);
        return m.find() ? m.group(1) : "unknown";
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
