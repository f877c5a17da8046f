package dev.dsync.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dsync.bench.report.Results.Etcd;
import dev.dsync.bench.report.Results.EtcdRow;
import dev.dsync.bench.report.Results.Report;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** The report's rendering from given numbers: Markdown, SVG, JSON, and the settings it refuses. */
class ReportRenderingTest {

    @Test
    void markdownShowsEveryMeasurementAndEveryGraph() {
        Report r = SampleResults.report(Etcd.notRequested(true));
        String md = MarkdownReport.render(r);
        assertTrue(md.startsWith("# Performance\n"));
        assertTrue(md.contains("| commit | `abcdef123456` |"));
        assertTrue(md.contains("| CPU | 2 cores (Sample CPU @ 2.0GHz) |"));
        assertTrue(md.contains("| duration of the run | 432 s |"));
        // lock at 8 clients: 900 * 8 / 11 = 654.5 ops/s, p50 1.1 * 3 = 3.3 ms, p99 11.55 ms
        assertTrue(md.contains("| 8 | 655 | 3.30 | 11.6 | 0 |"), md);
        assertTrue(md.contains("| 1 | 2,250 | 0.25 | 0.88 | 0 | 99.8 % |"), "cache gets show their hit ratio");
        assertTrue(md.contains("queue enqueue, 64 clients: 2 failed operations; the first: `enq answered 503"));
        // nodes at 16 clients: 1 node 3000*16/19
        assertTrue(md.contains("| 16 | 2,526, 2.50 / 8.75 | 1,263, 4.50 / 15.8 | 842, 7.00 / 24.5 |"), md);
        assertTrue(md.contains("| lock | lock acquire | 512, 732, 604 | 604 | 732 |"), md);
        assertTrue(md.contains("x2.67 the throughput with 1 client (1,000 vs 375 ops/s"), md);
        assertTrue(md.contains("with 64 clients 1 node 2,866, 3 nodes 1,433 (50 % of 1 node), 5 nodes 955 (33 % of 1 node)"), md);
        assertTrue(md.contains("300-600 ms"), "the election timeout from the node's defaults");
        assertTrue(md.contains("| CPU busy in the 2 s before the run | 3 % |"));
        assertTrue(md.contains("queue enqueue: nothing dequeues during the sweep, so the queue grows; it held 12,345 messages"));
        assertTrue(md.contains("first gets 10 s of unrecorded load at 8 clients"), md);
        assertTrue(md.contains("then a measured window of 3 s"), md);
        // enqueue sweep, nodes-3 and fsync-on at 1 client: 1500/4, 1500/4, 1500/4
        assertTrue(md.contains("3 sweeps of this run measure the same thing"), md);
        assertTrue(md.contains("they gave 375, 375, 375 with 1 client; 857, 857, 857 with 4 clients;"), md);
        for (String graph : Charts.all(r).keySet()) {
            assertTrue(md.contains("](performance/" + graph + ".svg)"), "shows " + graph);
        }
        Matcher images = Pattern.compile("\\]\\(performance/([a-z0-9-]+)\\.svg\\)").matcher(md);
        int count = 0;
        while (images.find()) {
            assertTrue(Charts.all(r).containsKey(images.group(1)), "no graph is referenced that is not drawn: " + images.group(1));
            count++;
        }
        assertEquals(Charts.all(r).size(), count);
        assertTrue(md.contains("Not measured in this run (it was not asked for)"));
        assertTrue(md.contains("make bench BENCH=report ETCD=1"));
    }

    @Test
    void etcdTableOnlyWhenMeasured() {
        String absent = MarkdownReport.render(SampleResults.report(Etcd.notRequested(false)));
        assertTrue(absent.contains("Not measured: etcd was not installed"));
        assertFalse(absent.contains("| dsync | ops/s |"));
        String md = MarkdownReport.render(SampleResults.report(SampleResults.measuredEtcd()));
        assertTrue(md.contains("| dsync_enq_1 | 613 | 1.61 | etcd_put_1 | 1,534 | 0.64 | x0.40 |"), md);
        assertTrue(md.contains("| dsync_lock_8 | 801 | 9.20 | etcd_lock_8 | 402 | 19.5 | x1.99 | x0.47 |"), md);
        assertTrue(md.contains("etcd 3.4.23"));
        String failed = MarkdownReport.render(SampleResults.report(Etcd.failed("compare-etcd.sh exited 2 with 0 summary rows")));
        assertTrue(failed.contains("Asked for (`ETCD=1`) but not measured: compare-etcd.sh exited 2 with 0 summary rows."), failed);
        assertFalse(failed.contains("| dsync | ops/s |"));
    }

    @Test
    void etcdSummaryIsParsedFromTheScriptsOutput() {
        String out = """
                == trial 1
                etcd_put_1 ops_s=1534.20 p50=640.00us p99=1.20ms errors=0
                dsync_enq_1 ops_s=612.5 p50=1.61ms p99=4ms errors=0

                medians over trials (ops/s, p50 ms) and dsync/etcd ratios:
                  dsync_enq_1            612.5/s p50    1.61 ms | etcd_put_1      1534.2/s p50    0.64 ms | throughput x0.40, p50 x2.52
                  dsync_lock_8           801.0/s p50    9.20 ms | etcd_lock_8      402.0/s p50   19.50 ms | throughput x1.99, p50 x0.47
                """;
        List<EtcdRow> rows = EtcdComparison.parse(out);
        assertEquals(SampleResults.measuredEtcd().rows(), rows);
        assertTrue(EtcdComparison.parse("etcd_put_1 ops_s=1 p50=1ms\n").isEmpty(), "trial lines are not the summary");
    }

    @Test
    void graphsAreWellFormedSvgWithTheirLabelsAndTheSameBytesEachTime() throws Exception {
        Report r = SampleResults.report(Etcd.notRequested(true));
        Map<String, String> svgs = Charts.all(r);
        assertEquals(List.of("throughput", "clients-lock", "clients-enqueue", "clients-cache-put", "clients-cache-get", "nodes",
                "fsync", "failover"), List.copyOf(svgs.keySet()));
        for (Map.Entry<String, String> e : svgs.entrySet()) {
            Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(e.getValue().getBytes(StandardCharsets.UTF_8)));
            assertEquals("svg", doc.getDocumentElement().getTagName(), e.getKey());
            assertEquals("perf-" + e.getKey(), doc.getDocumentElement().getAttribute("id"));
            assertTrue(doc.getDocumentElement().getAttribute("width").startsWith("760"), e.getKey());
            assertTrue(doc.getElementsByTagName("text").getLength() > 10, e.getKey() + " has its labels as text");
        }
        assertTrue(svgs.get("clients-lock").contains(">p99 latency<") && svgs.get("clients-lock").contains(">64<"));
        assertTrue(svgs.get("nodes").contains(">5 nodes<"));
        assertTrue(svgs.get("fsync").contains(">fsync off (FSYNC=false)<"));
        assertTrue(svgs.get("failover").contains(">each trial<"));
        assertEquals(svgs, Charts.all(SampleResults.report(Etcd.notRequested(true))), "rendering is deterministic");
    }

    @Test
    void resultsSurviveTheirJsonFilesAndDocsAreWrittenFromThem(@TempDir Path dir) throws Exception {
        Report r = SampleResults.report(SampleResults.measuredEtcd());
        ReportFiles.write(r, dir.resolve("results"));
        assertTrue(Files.readString(dir.resolve("results/failover.json")).contains("\"p50_ms\" : 604.0"));
        assertEquals(r, ReportFiles.read(dir.resolve("results")));
        Files.createDirectories(dir.resolve("docs/performance"));
        Files.writeString(dir.resolve("docs/performance/stale.svg"), "<svg/>");
        ReportMain.writeDocs(r, dir.resolve("docs"));
        assertFalse(Files.exists(dir.resolve("docs/performance/stale.svg")), "a graph no longer shown is removed");
        assertEquals(MarkdownReport.render(r), Files.readString(dir.resolve("docs/performance.md")));
        assertEquals(Charts.all(r).get("nodes"), Files.readString(dir.resolve("docs/performance/nodes.svg")));
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> ReportFiles.read(dir.resolve("nothing")));
        assertTrue(missing.getMessage().contains("run make bench BENCH=report first"));
    }

    @Test
    void badSettingsAreRefusedByName(@TempDir Path repo) throws Exception {
        Path jar = Files.createDirectories(repo.resolve("server/target")).resolve("server.jar");
        Files.writeString(jar, "");
        String previous = System.getProperty("server.jar");
        System.setProperty("server.jar", jar.toString());
        try {
            assertEquals(21000, ReportConfig.fromEnvironment(Map.of(), repo).portBase());
            assertTrue(ReportConfig.fromEnvironment(Map.of("ETCD", "1"), repo).etcd());
            assertMessage("ETCD must be 1", Map.of("ETCD", "yes"), repo);
            assertMessage("REPORT_TRIAL_S must be a whole number, not 'x'", Map.of("REPORT_TRIAL_S", "x"), repo);
            assertMessage("REPORT_FAILOVER_TRIALS must be between 1 and 100, not 0", Map.of("REPORT_FAILOVER_TRIALS", "0"), repo);
            assertMessage("overlaps make up's ports", Map.of("REPORT_PORT_BASE", "7500"), repo);
            System.setProperty("server.jar", repo.resolve("missing.jar").toString());
            assertMessage("no server jar at", Map.of(), repo);
        } finally {
            if (previous == null) {
                System.clearProperty("server.jar");
            } else {
                System.setProperty("server.jar", previous);
            }
        }
    }

    private static void assertMessage(String expected, Map<String, String> env, Path repo) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReportConfig.fromEnvironment(env, repo));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
