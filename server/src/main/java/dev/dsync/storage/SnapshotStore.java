package dev.dsync.storage;

import dev.dsync.raft.Membership;
import dev.dsync.raft.Snapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * Snapshot files in {@code <dataDir>/snapshot/}, named by index ({@code 00000000000000000042.snap}).
 * Layout (big-endian):
 * <pre>
 *   int  magic             "DSN2"
 *   long index
 *   long term
 *   int  membershipLength  -1: no membership (the bootstrap member list is in force)
 *   byte[membershipLength] {@link Membership#encode()}
 *   int  dataLength
 *   byte[dataLength]       data
 *   int  CRC32C of all preceding bytes
 * </pre>
 * Files written before snapshots carried a membership have magic "DSNP" and no membership fields;
 * they still load, with a null membership.
 *
 * <p>A snapshot becomes visible atomically: written to a {@code .tmp} file, fsynced, renamed, and
 * the directory fsynced. Only the newest snapshot is kept. If it fails its CRC check we refuse to
 * start rather than fall back to an older one: by then the WAL segments that an older snapshot
 * would need have normally been deleted, and a node that quietly restarts from older state could
 * lose entries it acknowledged. Operators recover such a node by re-seeding it from the cluster.
 */
final class SnapshotStore {
    private static final System.Logger LOG = System.getLogger(SnapshotStore.class.getName());
    private static final int MAGIC = 0x44534E32; // "DSN2"
    private static final int MAGIC_WITHOUT_MEMBERSHIP = 0x44534E50; // "DSNP": read, no longer written
    private static final int NO_MEMBERSHIP = -1;
    private static final int FIXED_BYTES = 20; // magic, index, term
    private static final Pattern NAME = Pattern.compile("(\\d{20})\\.snap");
    private static final String TEMP_SUFFIX = ".tmp";
    private static final int WRITE_SLICE_BYTES = 1 << 20;

    private final Volume volume;
    private final Path dir;
    /** The index of the newest snapshot file: never replaced by an older one. Guarded by this. */
    private long newestIndex = -1;

    SnapshotStore(Volume volume, Path dir) throws IOException {
        this.volume = volume;
        this.dir = dir;
        volume.createDirectories(dir);
    }

    /** The newest snapshot, or null if none; removes crash leftovers (temp files, superseded snapshots). */
    synchronized Snapshot load() throws IOException {
        List<Path> snapshots = new ArrayList<>();
        boolean removed = false;
        for (Path file : volume.listFiles(dir)) {
            String name = file.getFileName().toString();
            if (name.endsWith(TEMP_SUFFIX)) {
                // A crash interrupted a write before its rename: it was never the current snapshot.
                volume.deleteIfExists(file);
                removed = true;
            } else if (NAME.matcher(name).matches()) {
                snapshots.add(file);
            }
        }
        if (removed) {
            volume.syncDirectory(dir);
        }
        if (snapshots.isEmpty()) {
            return null;
        }
        snapshots.sort((a, b) -> Long.compare(indexOf(a), indexOf(b)));
        Path newest = snapshots.get(snapshots.size() - 1);
        Snapshot snapshot = read(newest);
        deleteAllBut(newest); // only after the newest proved readable
        newestIndex = snapshot.index();
        return snapshot;
    }

    /**
     * Makes {@code snapshot} durable and current, then deletes the one it supersedes. Callable from
     * any thread (the raft loop installs a leader's snapshot while its own is written beside it).
     *
     * @return false, writing nothing, if a newer snapshot is already current (its file must stay)
     */
    synchronized boolean write(Snapshot snapshot) throws IOException {
        if (snapshot.index() < newestIndex) {
            return false;
        }
        Path target = pathFor(snapshot.index());
        Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
        byte[] membership = snapshot.membership() == null ? null : snapshot.membership().encode();
        ByteBuffer header = ByteBuffer.allocate(FIXED_BYTES + 4 + (membership == null ? 0 : membership.length) + 4)
                .putInt(MAGIC).putLong(snapshot.index()).putLong(snapshot.term());
        if (membership == null) {
            header.putInt(NO_MEMBERSHIP);
        } else {
            header.putInt(membership.length).put(membership);
        }
        header.putInt(snapshot.data().length).flip();
        CRC32C crc = new CRC32C();
        crc.update(header.duplicate());
        crc.update(snapshot.data());
        ByteBuffer trailer = ByteBuffer.allocate(4).putInt((int) crc.getValue()).flip();
        try (Volume.WritableFile file = volume.replace(temp)) {
            file.append(header);
            // In slices: the JDK copies a heap buffer into a temporary direct one as large as the
            // write, and keeps it cached for the thread (a 70 MB image would pin 70 MB off-heap).
            byte[] data = snapshot.data();
            for (int at = 0; at < data.length; at += WRITE_SLICE_BYTES) {
                file.append(ByteBuffer.wrap(data, at, Math.min(WRITE_SLICE_BYTES, data.length - at)));
            }
            file.append(trailer);
            file.force();
        }
        volume.rename(temp, target);
        volume.syncDirectory(dir);
        newestIndex = snapshot.index();
        deleteAllBut(target);
        return true;
    }

    /** Reads the file in parts, opened once (a large image goes straight into its array, not through a second copy). */
    private Snapshot read(Path file) throws IOException {
        try (Volume.ReadableFile in = volume.openForRead(file)) {
            Parts parts = new Parts(file, in);
            long size = in.size();
            ByteBuffer fixed = parts.next(FIXED_BYTES);
            int magic = fixed.getInt(0);
            if (magic != MAGIC && magic != MAGIC_WITHOUT_MEMBERSHIP) {
                throw new CorruptLogException(file, 0, "bad snapshot magic");
            }
            long index = fixed.getLong(4);
            long term = fixed.getLong(12);
            if (index != indexOf(file) || term < 0) {
                throw new CorruptLogException(file, 4, "snapshot index " + index + "/term " + term + " does not match its name");
            }
            byte[] membership = null;
            if (magic == MAGIC) {
                int length = parts.next(4).getInt(0);
                if (length != NO_MEMBERSHIP) {
                    if (length < 0 || length > size - parts.position) {
                        throw new CorruptLogException(file, FIXED_BYTES, "snapshot membership length " + length
                                + " does not fit in file size " + size);
                    }
                    membership = parts.next(length).array();
                }
            }
            long lengthAt = parts.position;
            int length = parts.next(4).getInt(0);
            if (length < 0 || size != lengthAt + 4 + length + 4) {
                throw new CorruptLogException(file, lengthAt, "snapshot data length " + length + " does not match file size " + size);
            }
            byte[] data = parts.next(length).array();
            int checksum = (int) parts.crc.getValue();
            if (parts.next(4).getInt(0) != checksum) {
                throw new CorruptLogException(file, size - 4, "snapshot CRC mismatch");
            }
            return new Snapshot(index, term, membership == null ? null : decodeMembership(membership, file), data);
        }
    }

    /** Consecutive parts of a snapshot file, each added to the running CRC as it is read. */
    private static final class Parts {
        private final Path file;
        private final Volume.ReadableFile in;
        private final CRC32C crc = new CRC32C();
        private long position;

        Parts(Path file, Volume.ReadableFile in) {
            this.file = file;
            this.in = in;
        }

        ByteBuffer next(int n) throws IOException {
            ByteBuffer buffer = ByteBuffer.allocate(n);
            try {
                in.read(position, buffer);
            } catch (java.io.EOFException e) {
                throw new CorruptLogException(file, position, "snapshot file ends early");
            }
            position += n;
            buffer.flip();
            crc.update(buffer.duplicate());
            return buffer;
        }
    }

    /** Only called once the CRC checked out: bytes that do not parse were written so, not damaged since. */
    private static Membership decodeMembership(byte[] bytes, Path file) throws CorruptLogException {
        try {
            return Membership.decode(bytes);
        } catch (IllegalArgumentException e) {
            throw new CorruptLogException(file, FIXED_BYTES + 4, "snapshot membership does not parse (" + e.getMessage() + ")");
        }
    }

    private void deleteAllBut(Path keep) throws IOException {
        boolean removed = false;
        for (Path file : volume.listFiles(dir)) {
            if (!file.equals(keep) && NAME.matcher(file.getFileName().toString()).matches()) {
                volume.deleteIfExists(file);
                LOG.log(System.Logger.Level.DEBUG, "deleted superseded snapshot {0}", file);
                removed = true;
            }
        }
        if (removed) {
            volume.syncDirectory(dir);
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
