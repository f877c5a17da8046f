package dev.dsync.chaos.clock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Each node's fake clock, one libfaketime control file per node under {@code dir}. A cluster
 * backend launches every node with {@link #launchEnvironment}; the nemesis changes rates with
 * {@link #set} while nodes run, and offsets by setting them before a node is (re)started (see
 * {@link Libfaketime}: a running process keeps the offset it started with).
 */
public final class NodeClocks {
    private final Path library;
    private final Path dir;
    private final Map<String, ClockSpec> specs = new LinkedHashMap<>();
    private final Map<String, Expected> expected = new LinkedHashMap<>();

    /**
     * Where a launched node's clock should be: {@code offsetMs} ahead of real time at real time
     * {@code sinceMs}, running at {@code rate} since, give or take {@code slackMs}. A rate change lands
     * within about two seconds (libfaketime's cache), so each adds that long at the rate difference.
     */
    private record Expected(long sinceMs, long offsetMs, double rate, long slackMs) {
        long offsetAt(long nowMs) {
            return offsetMs + Math.round((rate - 1) * Math.max(0, nowMs - sinceMs));
        }
    }

    /** How long a node's clock may run at its old rate after a change, or at real speed while it starts. */
    static final long CHANGE_LANDS_WITHIN_MS = 2_000;

    public NodeClocks(Path library, Path dir) {
        this.library = library;
        this.dir = dir;
    }

    /** The environment for launching {@code nodeId}: its control file, written with its current spec. */
    public synchronized Map<String, String> launchEnvironment(String nodeId) {
        writeControlFile(nodeId);
        return Libfaketime.environment(library, controlFile(nodeId));
    }

    /**
     * Writes the node's control file with its current spec, before it is (re)started: where the node's
     * environment was fixed earlier (a container keeps the one it was created with), this is the launch.
     */
    public synchronized void writeControlFile(String nodeId) {
        ClockSpec spec = spec(nodeId);
        write(controlFile(nodeId), spec);
        expected.put(nodeId, new Expected(System.currentTimeMillis(), spec.offsetMs(), spec.rate(),
                Math.round(Math.abs(spec.rate() - 1) * CHANGE_LANDS_WITHIN_MS)));
    }

    /**
     * The offset from real time the node's clock should show at real time {@code nowMs}, by the
     * offset it was launched with and every rate it was given since; null if it was never launched.
     */
    public synchronized Long expectedOffsetMs(String nodeId, long nowMs) {
        Expected e = expected.get(nodeId);
        return e == null ? null : e.offsetAt(nowMs);
    }

    /** How far the node's clock may be from {@link #expectedOffsetMs} because changes land late. */
    public synchronized long slackMs(String nodeId) {
        Expected e = expected.get(nodeId);
        return e == null ? 0 : e.slackMs();
    }

    /** The libfaketime library the nodes preload. */
    public Path library() {
        return library;
    }

    /** The directory of the control files, one per node. */
    public Path dir() {
        return dir;
    }

    public synchronized ClockSpec spec(String nodeId) {
        return specs.getOrDefault(nodeId, ClockSpec.REAL);
    }

    /** Sets the node's clock; a running node takes a new rate within about a second, a new offset at its next start. */
    public synchronized void set(String nodeId, ClockSpec spec) {
        specs.put(nodeId, spec);
        if (Files.exists(controlFile(nodeId))) {
            write(controlFile(nodeId), spec);
            Expected e = expected.get(nodeId);
            if (e != null) { // a running node takes the new rate (a new offset only at its next launch)
                long now = System.currentTimeMillis();
                expected.put(nodeId, new Expected(now, e.offsetAt(now), spec.rate(),
                        e.slackMs() + Math.round(Math.abs(spec.rate() - e.rate()) * CHANGE_LANDS_WITHIN_MS)));
            }
        }
    }

    public synchronized Map<String, ClockSpec> all() {
        return Map.copyOf(specs);
    }

    public Path controlFile(String nodeId) {
        return dir.resolve(nodeId + ".faketime");
    }

    /** Written beside and renamed into place, so libfaketime never reads a half-written line. */
    private void write(Path file, ClockSpec spec) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            Files.writeString(tmp, spec.render() + "\n");
            // Readable by all: a node may run as another user (a container's unprivileged user), and
            // libfaketime silently keeps the real clock when it cannot read the file.
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the fake clock of " + file, e);
        }
    }
}
