package dev.dsync.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether SVG files render in Chromium: a page shows each as an image, and its script records for
 * each whether Chromium could decode it, at what size, and (drawn on a canvas) how much of it is
 * not background and in how many colours. An SVG that does not parse, has no size, or draws nothing
 * or almost nothing is a problem.
 */
final class SvgRenderCheck {
    /** At least this share of a graph's pixels are drawn (axes, labels, lines, bars). */
    static final double MIN_INK = 0.02;
    /** At least this many distinct colours: text and axes plus at least one series. */
    static final int MIN_COLOURS = 3;

    private static final Pattern RESULT = Pattern.compile(
            "<li data-index=\"(\\d+)\" data-loaded=\"(\\w+)\" data-width=\"(\\d+)\" data-height=\"(\\d+)\" data-ink=\"([\\d.]+)\" data-colours=\"(\\d+)\">");

    private SvgRenderCheck() {
    }

    /** One line per problem found (none: every file rendered). */
    static List<String> problems(List<Path> svgs, Path workDir) throws IOException, InterruptedException {
        StringBuilder page = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"></head><body>\n"
                + "<div id=\"errors\"></div><ul id=\"results\"></ul>\n");
        for (int i = 0; i < svgs.size(); i++) {
            page.append("<img data-index=\"").append(i).append("\" src=\"").append(svgs.get(i).toAbsolutePath().toUri()).append("\">\n");
        }
        page.append("""
                <script>
                window.onerror = (m) => { document.getElementById('errors').textContent += m + ' '; };
                window.addEventListener('load', () => {
                  const list = document.getElementById('results');
                  for (const img of document.querySelectorAll('img')) {
                    const loaded = img.complete && img.naturalWidth > 0 && img.naturalHeight > 0;
                    let ink = 0, colours = 0;
                    if (loaded) {
                      const c = document.createElement('canvas');
                      c.width = img.naturalWidth; c.height = img.naturalHeight;
                      const g = c.getContext('2d');
                      g.fillStyle = '#fff'; g.fillRect(0, 0, c.width, c.height);
                      g.drawImage(img, 0, 0);
                      const px = g.getImageData(0, 0, c.width, c.height).data;
                      const seen = new Set();
                      let drawn = 0;
                      for (let i = 0; i < px.length; i += 4) {
                        if (px[i] < 245 || px[i + 1] < 245 || px[i + 2] < 245) {
                          drawn++;
                          seen.add((px[i] >> 5) * 64 + (px[i + 1] >> 5) * 8 + (px[i + 2] >> 5));
                        }
                      }
                      ink = drawn / (c.width * c.height); colours = seen.size;
                    }
                    const li = document.createElement('li');
                    li.dataset.index = img.dataset.index; li.dataset.loaded = loaded;
                    li.dataset.width = img.naturalWidth; li.dataset.height = img.naturalHeight;
                    li.dataset.ink = ink.toFixed(4); li.dataset.colours = colours;
                    list.appendChild(li);
                  }
                  document.body.dataset.done = 'yes';
                });
                </script></body></html>
                """);
        Files.createDirectories(workDir);
        Path html = workDir.resolve("svg-render-check.html");
        Files.writeString(html, page);
        String dom = HeadlessChromium.dumpDom(html);
        List<String> problems = new ArrayList<>();
        if (!dom.contains("data-done=\"yes\"")) {
            problems.add("the check page's script did not finish; Chromium returned: " + abbreviate(dom));
            return problems;
        }
        Matcher errors = Pattern.compile("<div id=\"errors\">([^<]*)</div>").matcher(dom);
        if (errors.find() && !errors.group(1).isBlank()) {
            problems.add("script errors on the check page: " + errors.group(1));
        }
        boolean[] reported = new boolean[svgs.size()];
        Matcher m = RESULT.matcher(dom);
        while (m.find()) {
            int i = Integer.parseInt(m.group(1));
            reported[i] = true;
            String name = svgs.get(i).getFileName().toString();
            if (!Boolean.parseBoolean(m.group(2))) {
                problems.add(name + ": Chromium could not render it (not a well-formed SVG image, or no size)");
                continue;
            }
            int[] declared = declaredSize(svgs.get(i));
            if (declared[0] != Integer.parseInt(m.group(3)) || declared[1] != Integer.parseInt(m.group(4))) {
                problems.add(name + ": rendered at " + m.group(3) + "x" + m.group(4) + ", declared " + declared[0] + "x" + declared[1]);
            }
            if (Double.parseDouble(m.group(5)) < MIN_INK || Integer.parseInt(m.group(6)) < MIN_COLOURS) {
                problems.add(name + ": renders (almost) nothing: " + m.group(5) + " of its pixels drawn, in " + m.group(6) + " colours");
            }
        }
        for (int i = 0; i < reported.length; i++) {
            if (!reported[i]) {
                problems.add(svgs.get(i).getFileName() + ": no result from the check page");
            }
        }
        return problems;
    }

    /** The width and height attributes of the root element, rounded; 0 when absent. */
    private static int[] declaredSize(Path svg) throws IOException {
        String text = Files.readString(svg);
        Matcher root = Pattern.compile("<svg\\b[^>]*>").matcher(text);
        if (!root.find()) {
            return new int[] {0, 0};
        }
        return new int[] {attribute(root.group(), "width"), attribute(root.group(), "height")};
    }

    private static int attribute(String tag, String name) {
        Matcher m = Pattern.compile("\\s" + name + "=['\"]([\\d.]+)").matcher(tag);
        return m.find() ? (int) Math.round(Double.parseDouble(m.group(1))) : 0;
    }

    private static String abbreviate(String s) {
        return s.length() < 400 ? s : s.substring(0, 400) + "...";
    }
}
