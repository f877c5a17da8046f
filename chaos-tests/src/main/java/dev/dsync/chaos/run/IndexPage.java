package dev.dsync.chaos.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * chaos-results/index.html: every run found under the results folder (each run's summary.json),
 * newest first, with its verdict and a link to its report. Self-contained: no scripts, no fetches.
 */
public final class IndexPage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private IndexPage() {}

    public static Path write(Path resultsRoot) throws IOException {
        List<RunSummary> runs = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(resultsRoot)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                Path summary = dir.resolve("summary.json");
                if (Files.exists(summary)) {
                    runs.add(JSON.readValue(summary.toFile(), RunSummary.class));
                }
            }
        }
        runs.sort(Comparator.comparing(RunSummary::dir).reversed());
        StringBuilder rows = new StringBuilder();
        for (RunSummary r : runs) {
            rows.append("<tr class=\"").append(r.passed() ? "pass" : "failv").append("\">")
                    .append(td("<a href=\"" + esc(r.dir()) + "/report.html\">" + esc(r.dir()) + "</a>"))
                    .append(td(esc(r.workload()))).append(td(esc(r.nemesis()))).append(td(Long.toString(r.seed())))
                    .append(td("<b>" + esc(r.verdict()) + "</b>"))
                    .append(td(r.ok() + " / " + r.fail() + " / " + r.info()))
                    .append(td(String.format("%.1f%%", r.availability() * 100)))
                    .append(td(String.format("%.1f / %.1f", r.p50Ms(), r.p99Ms())))
                    .append(td(r.recoveryMs() < 0 ? "never" : r.recoveryMs() + " ms"))
                    .append(td(String.format("%.1f s", r.wallMs() / 1000.0)))
                    .append(td(esc(r.note() == null ? "" : r.note())))
                    .append("</tr>\n");
        }
        String html = """
                <!doctype html><html><head><meta charset="utf-8"><title>dsync chaos runs</title>
                <style>
                body{font:14px system-ui,sans-serif;margin:24px;color:#222}
                table{border-collapse:collapse}th,td{padding:4px 10px;border-bottom:1px solid #ddd;text-align:left}
                th{background:#f3f3f3}tr.pass b{color:#17803d}tr.failv b{color:#c62828}tr.failv{background:#fff3f3}
                </style></head><body>
                <h1>dsync chaos runs</h1>
                <p>%d runs, %d valid. Availability is the share of ok among completed operations; latency is over ok
                operations; recovery is the time from the final heal to the first ok operation.</p>
                <table><tr><th>run</th><th>workload</th><th>nemesis</th><th>seed</th><th>verdict</th>
                <th>ok / fail / info</th><th>availability</th><th>p50 / p99 ms</th><th>recovery</th><th>wall</th><th>note</th></tr>
                %s</table></body></html>
                """.formatted(runs.size(), runs.stream().filter(RunSummary::passed).count(), rows);
        Path index = resultsRoot.resolve("index.html");
        Files.writeString(index, html);
        return index;
    }

    private static String td(String s) {
        return "<td>" + s + "</td>";
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
