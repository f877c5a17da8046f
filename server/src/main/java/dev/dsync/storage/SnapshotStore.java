package dev.dsync.storage;

import dev.dsync.raft.Snapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Snapshot files in {@code <dataDir>/snapshot/}, named by index ({@code 00000000000000000042.snap}).
 * Layout: int magic, long index, long term, int dataLength, data, int CRC32C of all preceding bytes.
 *
 * <p>A snapshot becomes visible atomically: written to a {@code .tmp} file, fsynced, renamed, and
 * the directory fsynced. Only the newest snapshot is kept. If it fails its CRC check we refuse to
 * start rather than fall back to an older one: by then the WAL segments that an older snapshot
 * would need have normally been deleted, and a node that quietly restarts from older state could
 * lose entries it acknowledged. Operators recover such a node by re-seeding it from the cluster.
 */
final class SnapshotStore {
    private static final System.Logger LOG = System.getLogger(SnapshotStore.class.getName());
    private static final int MAGIC = 0x44534E50; // "DSNP"
    private static final int HEADER_BYTES = 24;
    private static final Pattern NAME = Pattern.compile("(\\d{20})\\.snap");
    private static final String TEMP_SUFFIX = ".tmp";

    private final Path dir;

    SnapshotStore(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    /** The newest snapshot, or null if none; removes crash leftovers (temp files, superseded snapshots). */
    Snapshot load() throws IOException {
        List<Path> snapshots = new ArrayList<>();
        boolean removed = false;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(TEMP_SUFFIX)) {
                    // A crash interrupted a write before its rename: it was never the current snapshot.
                    Files.deleteIfExists(file);
                    removed = true;
                } else if (NAME.matcher(name).matches()) {
                    snapshots.add(file);
                }
            }
        }
        if (removed) {
            Durability.fsyncDirectory(dir);
        }
        if (snapshots.isEmpty()) {
            return null;
        }
        snapshots.sort((a, b) -> Long.compare(indexOf(a), indexOf(b)));
        Path newest = snapshots.get(snapshots.size() - 1);
        Snapshot snapshot = read(newest);
        deleteAllBut(newest); // only after the newest proved readable
        return snapshot;
    }

    /** Makes {@code snapshot} durable and current, then deletes the one it supersedes. */
    void write(Snapshot snapshot) throws IOException {
        Path target = pathFor(snapshot.index());
        Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES)
                .putInt(MAGIC).putLong(snapshot.index()).putLong(snapshot.term()).putInt(snapshot.data().length).flip();
        CRC32C crc = new CRC32C();
        crc.update(header.duplicate());
        crc.update(snapshot.data());
        ByteBuffer trailer = ByteBuffer.allocate(4).putInt((int) crc.getValue()).flip();
        ByteBuffer[] parts = {header, ByteBuffer.wrap(snapshot.data()), trailer};
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            while (trailer.hasRemaining()) {
                channel.write(parts);
            }
            channel.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Durability.fsyncDirectory(dir);
        deleteAllBut(target);
    }

    private Snapshot read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
            readFully(channel, header, file);
            header.flip();
            if (header.getInt(0) != MAGIC) {
                throw new CorruptLogException(file, 0, "bad snapshot magic");
            }
            long index = header.getLong(4);
            long term = header.getLong(12);
            int length = header.getInt(20);
            if (length < 0 || size != HEADER_BYTES + (long) length + 4) {
                throw new CorruptLogException(file, 20, "snapshot data length " + length + " does not match file size " + size);
            }
            if (index != indexOf(file) || term < 0) {
                throw new CorruptLogException(file, 4, "snapshot index " + index + "/term " + term + " does not match its name");
            }
            ByteBuffer data = ByteBuffer.allocate(length);
            readFully(channel, data, file);
            ByteBuffer trailer = ByteBuffer.allocate(4);
            readFully(channel, trailer, file);
            CRC32C crc = new CRC32C();
            crc.update(header.rewind());
            crc.update(data.array());
            if (trailer.getInt(0) != (int) crc.getValue()) {
                throw new CorruptLogException(file, size - 4, "snapshot CRC mismatch");
            }
            return new Snapshot(index, term, data.array());
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, Path file) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new CorruptLogException(file, channel.position(), "snapshot file ends early");
            }
        }
    }

    private void deleteAllBut(Path keep) throws IOException {
        boolean removed = false;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (!file.equals(keep) && NAME.matcher(file.getFileName().toString()).matches()) {
                    Files.deleteIfExists(file);
                    LOG.log(System.Logger.Level.DEBUG, "deleted superseded snapshot {0}", file);
                    removed = true;
                }
            }
        }
        if (removed) {
            Durability.fsyncDirectory(dir);
        }
    }

    private Path pathFor(long index) {
        return dir.resolve(String.format("%020d.snap", index));
    }

    private static long indexOf(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a snapshot file: " + file);
        }
        return Long.parseLong(m.group(1));
    }
}
