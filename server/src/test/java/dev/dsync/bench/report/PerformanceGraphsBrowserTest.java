package dev.dsync.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dsync.bench.report.Results.Etcd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The performance report's graphs open in headless Chromium (see {@link SvgRenderCheck}): those
 * drawn from given numbers, those docs/performance.md shows, and, to prove the check can fail,
 * broken ones, which it must reject.
 */
class PerformanceGraphsBrowserTest {
    private static final Path DOCS = Path.of("..", "docs"); // surefire runs in server/

    @Test
    void graphsDrawnFromGivenNumbersRender(@TempDir Path dir) throws Exception {
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, String> svg : Charts.all(SampleResults.report(SampleResults.measuredEtcd())).entrySet()) {
            files.add(Files.writeString(dir.resolve(svg.getKey() + ".svg"), svg.getValue()));
        }
        assertRenders(files, dir);
    }

    @Test
    void theCommittedReportsGraphsRender(@TempDir Path dir) throws Exception {
        Path md = DOCS.resolve("performance.md");
        assertTrue(Files.isRegularFile(md), md + " is missing: make bench BENCH=report writes it");
        Set<String> shown = new TreeSet<>();
        Matcher m = Pattern.compile("!\\[[^\\]]*\\]\\((performance/[^)]+\\.svg)\\)").matcher(Files.readString(md));
        while (m.find()) {
            shown.add(m.group(1));
        }
        assertTrue(shown.size() >= 5, "performance.md shows its graphs: " + shown);
        Set<String> present = new TreeSet<>();
        try (Stream<Path> files = Files.list(DOCS.resolve("performance"))) {
            files.forEach(p -> present.add("performance/" + p.getFileName()));
        }
        assertEquals(shown, present, "every graph shown exists, and every file in docs/performance/ is shown");
        assertRenders(shown.stream().map(DOCS::resolve).toList(), dir);
    }

    @Test
    void brokenGraphsFailTheCheck(@TempDir Path dir) throws Exception {
        String good = Charts.all(SampleResults.report(Etcd.notRequested(true))).get("failover");
        Path fine = Files.writeString(dir.resolve("fine.svg"), good);
        Path truncated = Files.writeString(dir.resolve("truncated.svg"), good.substring(0, good.length() / 2));
        Path mismatched = Files.writeString(dir.resolve("mismatched.svg"), good.replaceFirst("</g>", "</text>"));
        Path empty = Files.writeString(dir.resolve("empty.svg"),
                "<svg xmlns='http://www.w3.org/2000/svg' width='760' height='400'><rect width='760' height='400' fill='white'/></svg>");
        Path notSvg = Files.writeString(dir.resolve("not-svg.svg"), "ops/s: 1234\n");
        List<String> problems = SvgRenderCheck.problems(List.of(fine, truncated, mismatched, empty, notSvg), dir);
        String all = String.join("\n", problems);
        assertEquals(4, problems.size(), all);
        assertTrue(all.contains("truncated.svg: Chromium could not render it"), all);
        assertTrue(all.contains("mismatched.svg: Chromium could not render it"), all);
        assertTrue(all.contains("empty.svg: renders (almost) nothing"), all);
        assertTrue(all.contains("not-svg.svg: Chromium could not render it"), all);
    }

    private static void assertRenders(List<Path> svgs, Path workDir) throws IOException, InterruptedException {
        List<String> problems = SvgRenderCheck.problems(svgs, workDir);
        assertTrue(problems.isEmpty(), "graphs that do not render in Chromium:\n" + String.join("\n", problems));
    }
}
