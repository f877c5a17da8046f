package dev.dsync.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs headless Chromium on a local page and returns the DOM after its scripts ran. The browser is
 * {@code $CHROMIUM}, else chromium, chromium-browser or google-chrome on the PATH; without one the
 * calling test fails and says how to get it.
 */
final class HeadlessChromium {
    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");

    private HeadlessChromium() {
    }

    static Path find() {
        String given = System.getenv("CHROMIUM");
        if (given != null && !given.isBlank()) {
            if (!Files.isExecutable(Path.of(given))) {
                throw new IllegalStateException("CHROMIUM=" + given + " is not an executable file");
            }
            return Path.of(given);
        }
        for (String name : NAMES) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                Path candidate = dir.isEmpty() ? null : Path.of(dir, name);
                if (candidate != null && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("the graph render test needs headless Chromium: install it (Debian: apt-get install -y "
                + "chromium) or point CHROMIUM at a Chromium or Chrome binary");
    }

    /** Loads {@code page} (file: URLs it names may be read and drawn on canvases) and returns the serialized DOM. */
    static String dumpDom(Path page) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("perf-chromium");
        Path out = profile.resolve("dom.html");
        Process p = new ProcessBuilder(find().toString(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--allow-file-access-from-files",
                "--user-data-dir=" + profile.resolve("profile"), "--virtual-time-budget=15000", "--dump-dom", page.toUri().toString())
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("Chromium did not finish loading " + page + " within 120 s");
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            NodeCluster.deleteRecursively(profile);
        }
    }
}
