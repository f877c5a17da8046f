package dev.dsync.checker.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dsync.checker.Checks;
import dev.dsync.checker.Result;
import dev.dsync.checker.Verdict;
import dev.dsync.checker.gen.GenConfig;
import dev.dsync.checker.gen.HistoryGenerator;
import dev.dsync.checker.history.EventType;
import dev.dsync.checker.history.History;
import dev.dsync.checker.history.HistoryBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens generated reports in headless Chromium. The page marks {@code <body data-render="done">}
 * when its script finished and writes any script error into {@code #errors} (via
 * window.onerror), so the serialized DOM tells whether it rendered cleanly.
 */
class HtmlReportBrowserTest {

    @Test
    void violationReportRendersWithoutScriptErrors(@TempDir Path dir) throws Exception {
        History h = new HistoryBuilder()
                .invoke(0, "write", "a", 1).ok(0, "write", "a", 1)
                .nemesis(EventType.INFO, "partition", "n1 | n2 n3")
                .invoke(1, "write", "b", 1).ok(1, "write", "b", 1)
                .invoke(0, "write", "a", 2).ok(0, "write", "a", 2)
                .invoke(2, "read", "a", null).ok(2, "read", "a", 1)
                .nemesis(EventType.INFO, "heal", null)
                .invoke(3, "cas", "b", java.util.List.of(1, 5)).info(3, "cas", "b", java.util.List.of(1, 5)).build();
        Result r = Checks.assertVerdict(Verdict.INVALID, "kv", h);
        Path html = HtmlReport.write(r, h, dir);
        String dom = Chromium.dumpDom(html);
        assertRendered(dom);
        assertTrue(dom.contains("id=\"unplaceable\""), "shows the operation that cannot be placed");
        // Value 1 is written once and read after write 2 completed: write 2 cannot be placed.
        assertTrue(Pattern.compile("id=\"unplaceable\"[^>]*>p0 write 2 → ok 2").matcher(dom).find(), "names the operation");
        assertTrue(dom.contains("stroke=\"#d62d2d\""), "highlights the offending bar in the timeline");
        assertTrue(dom.contains("not linearizable"), "explains the violation");
        assertTrue(dom.contains(">partition<"), "shows the nemesis band");
    }

    @Test
    void timedLockViolationShowsBothHoldsWithTheirLeaseWindows(@TempDir Path dir) throws Exception {
        History h = dev.dsync.checker.history.HistoryReader.read(Path.of("..", "docs", "examples", "rw-lock-lease-overlap.jsonl"));
        Result r = Checks.assertVerdict(Verdict.INVALID, "rw-lock", h);
        Path html = HtmlReport.write(r, h, dir);
        String dom = Chromium.dumpDom(html);
        assertRendered(dom);
        assertTrue(dom.contains("data-lease=\"c0\""), "draws c0's lease window");
        assertTrue(dom.contains("data-lease=\"c1\""), "draws c1's hold");
        assertTrue(dom.contains("c0 lease until 2.85 s"), "labels the end of c0's surely-alive window");
        assertTrue(dom.contains("id=\"lease-windows\""), "explains the lease windows");
    }

    @Test
    void queueReportListsTimedViolations(@TempDir Path dir) throws Exception {
        java.util.Map<String, Object> deq = java.util.Map.of("visibility_ms", 2000);
        History h = new HistoryBuilder()
                .invoke(0, "enqueue", "q", "a").ok(0, "enqueue", "q", "a")
                .invoke(1, "dequeue", "q", deq).ok(1, "dequeue", "q", java.util.Map.of("value", "a", "msg_id", 1, "receipt", "1-1"))
                .invoke(2, "dequeue", "q", deq).ok(2, "dequeue", "q", java.util.Map.of("value", "a", "msg_id", 1, "receipt", "1-2"))
                .invoke(3, "drain", "q", null).ok(3, "drain", "q", java.util.List.of()).build();
        Result r = Checks.assertVerdict(Verdict.INVALID, "total-queue", h);
        String dom = Chromium.dumpDom(HtmlReport.write(r, h, dir));
        assertRendered(dom);
        assertTrue(dom.contains("id=\"timed-violations\"") && dom.contains("two live deliveries"), "lists the timed violation");
    }

    @Test
    void tenThousandOperationReportRendersQuickly(@TempDir Path dir) throws Exception {
        History h = HistoryGenerator.forModel("cas-register", new GenConfig(10_000, 1, 10, 0.05, 0, true, 3));
        Result r = Checks.check("cas-register", h);
        assertEquals(Verdict.VALID, r.verdict());
        Path html = HtmlReport.write(r, h, dir);
        String dom = Chromium.dumpDom(html);
        assertRendered(dom);
        Matcher m = Pattern.compile("data-render-ms=\"(\\d+)\"").matcher(dom);
        assertTrue(m.find(), "render time recorded");
        long ms = Long.parseLong(m.group(1));
        System.out.println("10,000-operation report rendered in " + ms + " ms, " + Files.size(html) / 1024 + " KiB");
        assertTrue(ms < 15_000, "rendering took " + ms + " ms");
    }

    private static void assertRendered(String dom) {
        assertTrue(dom.contains("<body"), "Chromium returned a DOM");
        Matcher errors = Pattern.compile("<div id=\"errors\" class=\"errors\">([^<]*)</div>").matcher(dom);
        assertTrue(errors.find(), "errors element present");
        assertEquals("", errors.group(1), "script errors");
        assertTrue(dom.contains("data-render=\"done\""), "page script finished rendering");
    }
}
