package dev.dsync.checker.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium for report tests. Finds {@code chromium} (or {@code $CHROMIUM}); if it is
 * missing and we run as root with apt, installs Debian's {@code chromium} package; otherwise
 * fails with instructions.
 */
final class Chromium {
    private Chromium() {
    }

    static String binary() throws IOException, InterruptedException {
        String env = System.getenv("CHROMIUM");
        if (env != null && Files.isExecutable(Path.of(env))) {
            return env;
        }
        for (String name : List.of("chromium", "chromium-browser")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root && Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            run(List.of("sh", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium"), 900);
            if (Files.isExecutable(Path.of("/usr/bin/chromium"))) {
                return "/usr/bin/chromium";
            }
        }
        throw new IllegalStateException("headless Chromium is required for the report test: install Debian's "
                + "'chromium' package (apt-get install -y chromium) or set CHROMIUM=/path/to/chromium");
    }

    /** Loads the file, lets its scripts run, and returns the serialized DOM. */
    static String dumpDom(Path html) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile");
        List<String> cmd = new ArrayList<>(List.of(binary(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=10000", "--dump-dom",
                html.toUri().toString()));
        return run(cmd, 120);
    }

    private static String run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("chromium", ".out");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd));
        }
        String s = Files.readString(out, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        return s;
    }
}
