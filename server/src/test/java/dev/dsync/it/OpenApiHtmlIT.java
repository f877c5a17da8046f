package dev.dsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/openapi.html, the static rendering of docs/openapi.yaml (docs/render-openapi.sh), opened in
 * headless Chromium: it must be the rendering of the spec as it is now (not a stale one), load nothing
 * from the network, run its script without errors, and show every operation.
 */
class OpenApiHtmlIT {
    private static final Path HTML = Path.of("..", "docs", "openapi.html").toAbsolutePath().normalize();

    @Test
    void theRenderingIsOfTheCurrentSpec() throws Exception {
        OpenApiSpec spec = new OpenApiSpec(Path.of("..", "docs", "openapi.yaml"));
        String html = Files.readString(HTML, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("const __redoc_state = (\\{.*?\\});\\s*\\n", Pattern.DOTALL).matcher(html);
        assertTrue(m.find(), "docs/openapi.html embeds no spec; re-run docs/render-openapi.sh");
        JsonNode embedded = new ObjectMapper().readTree(m.group(1)).path("spec").path("data");
        assertEquals(spec.root(), embedded, "docs/openapi.html is stale: run docs/render-openapi.sh");
        assertFalse(Pattern.compile("(src=\"|<link[^>]*href=\")https?://|https://cdn\\.").matcher(html).find(),
                "the page loads something from the network");
    }

    @Test
    void chromiumShowsEveryOperationWithoutScriptErrors() throws Exception {
        OpenApiSpec spec = new OpenApiSpec(Path.of("..", "docs", "openapi.yaml"));
        Path profile = Files.createTempDirectory("openapi-chromium");
        Path dom = Files.createTempFile("openapi-dom", ".html");
        Path log = Files.createTempFile("openapi-chromium", ".log");
        Process p = new ProcessBuilder(chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000",
                "--dump-dom", HTML.toUri().toString())
                .redirectOutput(dom.toFile()).redirectError(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish");
        assertEquals(0, p.exitValue(), Files.readString(log));
        String rendered = Files.readString(dom, StandardCharsets.UTF_8);
        String console = Files.readString(log, StandardCharsets.UTF_8);
        assertFalse(console.contains("Uncaught"), "script errors in the page:\n" + console);
        // The rendered page (outside the embedded definition) names every operation's summary.
        String visible = rendered.replaceAll("(?s)<script.*?</script>", "");
        List<String> missing = new ArrayList<>();
        for (String op : spec.operations()) {
            String summary = spec.operation(op).path("summary").asText();
            String path = op.substring(op.indexOf(' ') + 1);
            if (!visible.contains(escape(summary)) || !visible.contains(path)) {
                missing.add(op + " (" + summary + ")");
            }
        }
        assertTrue(missing.isEmpty(), "operations Chromium does not show: " + missing);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String chromium() {
        String configured = System.getenv("CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            for (String name : List.of("chromium", "chromium-browser")) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        throw new IllegalStateException("headless Chromium is needed: apt-get install chromium (or set CHROMIUM)");
    }
}
