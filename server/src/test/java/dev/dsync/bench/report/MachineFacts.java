package dev.dsync.bench.report;

import dev.dsync.bench.report.Results.Machine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;

/** The facts about the machine and the build that the report's header states. */
final class MachineFacts {
    private MachineFacts() {
    }

    static Machine collect(Path repo, Path dataDir) throws IOException, InterruptedException {
        String commit = command(repo, "git", "rev-parse", "--short=12", "HEAD");
        String dirty = command(repo, "git", "status", "--porcelain", "--untracked-files=no");
        Files.createDirectories(dataDir);
        return new Machine(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                commit.isEmpty() ? "unknown (not a git checkout)" : commit + (dirty.isEmpty() ? "" : " with uncommitted changes"),
                Runtime.getRuntime().availableProcessors(), procField("/proc/cpuinfo", "model name"), memory(),
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                fileSystem(repo, dataDir), cpuBusy());
    }

    /** findmnt names ext4 as such; stat -f, the fallback, cannot tell it from ext2/ext3. */
    private static String fileSystem(Path repo, Path dir) throws IOException, InterruptedException {
        String type = command(repo, "findmnt", "-n", "-o", "FSTYPE", "--target", dir.toString());
        return type.isEmpty() ? command(repo, "stat", "-f", "-c", "%T", dir.toString()) : type;
    }

    /** The share of all cores busy over the next 2 s, from /proc/stat (everything but idle and iowait is busy). */
    private static String cpuBusy() throws InterruptedException {
        long[] a = cpuTicks();
        Thread.sleep(2000);
        long[] b = cpuTicks();
        if (a == null || b == null || b[0] == a[0]) {
            return "unknown";
        }
        return String.format(java.util.Locale.ROOT, "%.0f %%", 100.0 * (b[1] - a[1]) / (b[0] - a[0]));
    }

    /** {total, busy} jiffies of the "cpu" line of /proc/stat, or null. */
    private static long[] cpuTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total, total - idle};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String memory() {
        String kb = procField("/proc/meminfo", "MemTotal").replaceAll("[^0-9]", "");
        return kb.isEmpty() ? "unknown" : String.format("%.1f GiB", Long.parseLong(kb) / 1024.0 / 1024.0);
    }

    private static String procField(String file, String field) {
        try {
            for (String line : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8)) {
                if (line.startsWith(field)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux: say so below
        }
        return "unknown";
    }

    /** The command's trimmed output, or "" if it fails. */
    private static String command(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "";
        }
        return p.exitValue() == 0 ? out : "";
    }
}
