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
    private final Map<String, Long> launchedAtMs = new LinkedHashMap<>();

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
        write(controlFile(nodeId), spec(nodeId));
        launchedAtMs.put(nodeId, System.currentTimeMillis());
    }

    /** When the node was last (re)launched on its clock, in real milliseconds; 0 if never. */
    public synchronized long launchedAtMs(String nodeId) {
        return launchedAtMs.getOrDefault(nodeId, 0L);
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
