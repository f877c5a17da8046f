package dev.dsync.sim;

import dev.dsync.storage.Volume;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * One simulated node's disk, behind the {@link Volume} the node's log store writes to. It keeps
 * what a real disk keeps across a power loss and nothing more: a file's bytes as of its last
 * fsync, a directory's names as of its last directory fsync. What was appended after a file's
 * last fsync survives a crash only as a prefix of random length (a torn write), as with LazyFS or
 * Jepsen's lose-unfsynced-writes.
 *
 * <p>A crash can also strike inside an fsync (before anything of it is durable), when
 * {@code powerCut} says so: the store's write is then half done, which is what its recovery of torn
 * tails and of snapshots without their WAL marker is for. Directories themselves are always there
 * (the store creates them once, at first start). Maps are sorted, so a seed replays.
 */
final class SimVolume implements Volume {
    private final Random random;
    /** Asked at every fsync: true cuts the power there (the node crashes, the fsync never happens). */
    private final BooleanSupplier powerCut;
    /** The names a process sees now. */
    private final Map<Path, Inode> names = new TreeMap<>();
    /** The names that survive a crash: as of each directory's last fsync. */
    private final Map<Path, Inode> syncedNames = new TreeMap<>();
    /** Fsyncs of files and directories: the store's durability work, as a figure for the run. */
    long fsyncs;
    /** Crashes that found appended bytes not yet synced in a file, and of those, the ones that kept a torn part of them. */
    long unsyncedLost;
    long tornKept;

    /** Thrown out of the store's fsync when the power is cut: the node is down from here on. */
    static final class PowerCut extends RuntimeException {
        PowerCut() {
            super("power cut during fsync", null, false, false);
        }
    }

    /**
     * One file's bytes. Invariant: when {@code syncedCopy} is null, the durable content is the first
     * {@code syncedLength} bytes of {@code bytes} (only appends since the last fsync).
     */
    private static final class Inode {
        byte[] bytes = new byte[0];
        int length;
        int syncedLength;
        byte[] syncedCopy;

        void append(ByteBuffer data) {
            int n = data.remaining();
            if (length + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(length + n, 2 * bytes.length));
            }
            data.get(bytes, length, n);
            length += n;
        }

        void truncate(int to) {
            if (to < syncedLength && syncedCopy == null) {
                syncedCopy = Arrays.copyOf(bytes, syncedLength); // the durable bytes are no longer a prefix
            }
            length = Math.min(length, to);
        }

        void sync() {
            syncedCopy = null;
            syncedLength = length;
        }

        /** What survives a crash: the synced bytes and, if {@code torn}, part of what was appended after them. */
        void crash(Random random, boolean torn) {
            if (syncedCopy != null) {
                bytes = syncedCopy;
                length = syncedLength;
                syncedCopy = null;
                return;
            }
            int unsynced = length - syncedLength;
            length = syncedLength + (torn && unsynced > 0 ? random.nextInt(unsynced + 1) : 0);
            syncedLength = length;
        }
    }

    SimVolume(Random random, BooleanSupplier powerCut) {
        this.random = random;
        this.powerCut = powerCut;
    }

    /** The node lost power: everything not synced is gone, but for a torn prefix of unsynced appends. */
    void crash() {
        names.clear();
        names.putAll(syncedNames);
        for (Inode inode : names.values()) {
            int before = inode.length;
            int synced = inode.syncedCopy == null ? inode.syncedLength : -1;
            inode.crash(random, random.nextBoolean());
            if (synced >= 0 && before > synced) {
                unsyncedLost++;
                tornKept += inode.length > synced ? 1 : 0;
            }
        }
    }

    @Override
    public void createDirectories(Path dir) {
        // Directories are not modelled: they exist as soon as a file is named in them.
    }

    @Override
    public List<Path> listFiles(Path dir) {
        List<Path> files = new ArrayList<>();
        for (Path name : names.keySet()) {
            if (dir.equals(name.getParent())) {
                files.add(name);
            }
        }
        return files;
    }

    @Override
    public ReadableFile openForRead(Path file) throws IOException {
        Inode inode = existing(file);
        return new ReadableFile() {
            @Override
            public long size() {
                return inode.length;
            }

            @Override
            public void read(long position, ByteBuffer into) throws IOException {
                if (position + into.remaining() > inode.length) {
                    throw new EOFException(file + " ends at byte " + inode.length);
                }
                into.put(inode.bytes, (int) position, into.remaining());
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public WritableFile createNew(Path file) throws IOException {
        if (names.containsKey(file)) {
            throw new FileAlreadyExistsException(file.toString());
        }
        Inode inode = new Inode();
        names.put(file, inode);
        return new OpenFile(inode);
    }

    @Override
    public WritableFile replace(Path file) {
        Inode inode = names.computeIfAbsent(file, f -> new Inode());
        inode.truncate(0);
        return new OpenFile(inode);
    }

    @Override
    public WritableFile openForAppend(Path file) throws IOException {
        return new OpenFile(existing(file));
    }

    @Override
    public void deleteIfExists(Path file) {
        names.remove(file);
    }

    @Override
    public void rename(Path source, Path target) throws IOException {
        Inode inode = existing(source);
        names.remove(source);
        names.put(target, inode);
    }

    @Override
    public void syncDirectory(Path dir) {
        fsync();
        syncedNames.keySet().removeIf(name -> dir.equals(name.getParent()));
        names.forEach((name, inode) -> {
            if (dir.equals(name.getParent())) {
                syncedNames.put(name, inode);
            }
        });
    }

    private Inode existing(Path file) throws FileNotFoundException {
        Inode inode = names.get(file);
        if (inode == null) {
            throw new FileNotFoundException(file.toString());
        }
        return inode;
    }

    private void fsync() {
        if (powerCut.getAsBoolean()) {
            throw new PowerCut();
        }
        fsyncs++;
    }

    private final class OpenFile implements WritableFile {
        private final Inode inode;

        OpenFile(Inode inode) {
            this.inode = inode;
        }

        @Override
        public long size() {
            return inode.length;
        }

        @Override
        public void append(ByteBuffer data) {
            inode.append(data);
        }

        @Override
        public void truncate(long bytes) {
            inode.truncate((int) bytes);
        }

        @Override
        public double force() {
            fsync();
            inode.sync();
            return 0;
        }

        @Override
        public void close() {
        }
    }
}
