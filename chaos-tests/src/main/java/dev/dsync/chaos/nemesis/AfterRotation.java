package dev.dsync.chaos.nemesis;

import dev.dsync.chaos.cluster.Cluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The power shape {@code after-rotation}: every node loses power {@link #AFTER_MS} after one of them
 * started a new log segment. A node makes a new segment file durable only by fsyncing the file and
 * then its directory; the lazy file system drops a directory entry that was never synced, file and
 * all. Segments rotate at the same index on every node (they hold the same entries), so a node that
 * skips the directory fsync ({@code make mutants ONLY=storage-no-dir-fsync-on-rotate}) loses, on
 * every node at once, the entries written since: among them writes acknowledged in those
 * milliseconds. The random power faults hit that window only by chance (the queue matrix missed that
 * mutant at seed 2; chaos nodes rotate every 64 KiB of log, every second or two under load).
 */
final class AfterRotation {
    /** How long the shape waits for a rotation before cutting the power anyway. */
    static final long WAIT_MS = 8_000;
    /** From the rotation seen to the power cut: the writes acknowledged meanwhile are what a lost segment loses. */
    static final long AFTER_MS = 100;
    private static final long POLL_MS = 5;
    private static final Pattern SEGMENT = Pattern.compile("(\\d{20})\\.wal");

    /** Kills the nodes and drops what they did not fsync; returns the event's account of it. */
    interface PowerCut {
        Map<String, Object> cut(List<String> nodes) throws IOException, InterruptedException;
    }

    private final Cluster cluster;

    AfterRotation(Cluster cluster) {
        this.cluster = cluster;
    }

    Map<String, Object> run(List<String> ids, PowerCut power) throws IOException, InterruptedException {
        Map<String, Object> value = new LinkedHashMap<>();
        Map<String, Path> wals = new LinkedHashMap<>();
        for (String id : ids) {
            cluster.dataDir(id).flatMap(AfterRotation::walDir).ifPresent(wal -> wals.put(id, wal));
        }
        if (wals.size() == ids.size()) {
            Map<String, Long> before = new LinkedHashMap<>();
            for (Map.Entry<String, Path> e : wals.entrySet()) {
                before.put(e.getKey(), lastSegment(e.getValue()));
            }
            long started = System.nanoTime();
            String rotated = null;
            for (long deadline = started + WAIT_MS * 1_000_000; rotated == null && System.nanoTime() < deadline; ) {
                Thread.sleep(POLL_MS);
                for (Map.Entry<String, Path> e : wals.entrySet()) {
                    long last = lastSegment(e.getValue());
                    if (last > before.get(e.getKey())) {
                        rotated = e.getKey();
                        value.put("rotated", rotated);
                        value.put("segment", last);
                        break;
                    }
                }
            }
            value.put("waited_ms", (System.nanoTime() - started) / 1_000_000);
            if (rotated == null) {
                value.put("rotated", null); // the load was too light to fill a segment: a plain power/all
            } else {
                Thread.sleep(AFTER_MS);
            }
        } else {
            value.put("rotated", "unknown: this backend does not show the nodes' data dirs");
        }
        value.putAll(power.cut(ids));
        return value;
    }

    /** The node's segment directory ({@code <data dir>/wal}, as the server's RaftLogStore lays it out). */
    private static Optional<Path> walDir(Path dataDir) {
        Path wal = dataDir.resolve("wal");
        return Files.isDirectory(wal) ? Optional.of(wal) : Optional.empty();
    }

    /** The highest segment number in {@code wal} (0 if none could be read). */
    private static long lastSegment(Path wal) {
        long last = 0;
        try (Stream<Path> files = Files.list(wal)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Matcher m = SEGMENT.matcher(f.getFileName().toString());
                if (m.matches()) {
                    last = Math.max(last, Long.parseLong(m.group(1)));
                }
            }
        } catch (IOException e) {
            return last;
        }
        return last;
    }
}
