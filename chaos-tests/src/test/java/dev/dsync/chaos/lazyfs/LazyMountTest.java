package dev.dsync.chaos.lazyfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lazy file system through a real FUSE mount, driven with the same java.nio calls the server's
 * storage makes (FileChannel.force on files and on directories, atomic moves). Needs /dev/fuse and
 * libfuse 2: where they are missing the tests are skipped with a loud reason, except under CI=true,
 * where a missing FUSE is a failure (CI installs it; see .ci/run).
 */
class LazyMountTest {
    @TempDir
    Path tmp;
    private LazyMount mount;
    private Path dir;
    private Path backing;

    @BeforeAll
    static void fuseIsHere() {
        String why = LazyMount.unavailableReason();
        if (why != null) {
            System.err.println("!!! LazyMountTest SKIPPED: no FUSE here: " + why);
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("FUSE is required in CI but unavailable: " + why);
            }
        }
        Assumptions.assumeTrue(why == null, "FUSE unavailable: " + why);
    }

    @BeforeEach
    void mountIt() throws IOException {
        dir = tmp.resolve("mnt");
        backing = tmp.resolve("durable");
        mount = LazyMount.mount(dir, backing);
    }

    @AfterEach
    void unmount() {
        mount.close();
        assertFalse(MountTable.isMounted(dir.toAbsolutePath()), "unmounted after close");
    }

    @Test
    void unsyncedWriteIsGoneAfterPowerLoss() throws IOException {
        Path f = dir.resolve("a");
        writeAndSync(f, "durable", true);
        fsyncDir(dir);
        append(f, "-lost", false);
        assertEquals("durable-lost", Files.readString(f));
        mount.powerLoss(TornWrite.NONE, new Random(1));
        assertEquals("durable", Files.readString(f));
        assertEquals("durable", Files.readString(backing.resolve("a")), "the backing dir holds the durable state");
    }

    @Test
    void fsyncedWriteIsKeptAndDirectoryEntryNeedsDirectoryFsync() throws IOException {
        Path synced = dir.resolve("synced");
        Path unnamed = dir.resolve("unnamed");
        writeAndSync(synced, "one", true);
        fsyncDir(dir);
        writeAndSync(unnamed, "two", true); // data fsynced, but its name never was
        mount.powerLoss(TornWrite.NONE, new Random(1));
        assertEquals("one", Files.readString(synced));
        assertFalse(Files.exists(unnamed), "a create without a directory fsync is lost");
    }

    @Test
    void atomicRenameWithDirectoryFsyncIsKept() throws IOException {
        Path target = dir.resolve("snap");
        writeAndSync(target, "old", true);
        fsyncDir(dir);
        Path temp = dir.resolve("snap.tmp");
        writeAndSync(temp, "new", true);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDir(dir);
        mount.powerLoss(TornWrite.NONE, new Random(1));
        assertEquals("new", Files.readString(target));
        assertFalse(Files.exists(temp));
    }

    @Test
    void renameWithoutDirectoryFsyncIsLost() throws IOException {
        Path target = dir.resolve("snap");
        writeAndSync(target, "old", true);
        fsyncDir(dir);
        Path temp = dir.resolve("snap.tmp");
        writeAndSync(temp, "new", true);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        assertEquals("new", Files.readString(target));
        mount.powerLoss(TornWrite.NONE, new Random(1));
        assertEquals("old", Files.readString(target), "the rename was never made durable");
        assertFalse(Files.exists(temp), "the temp file's name was never durable either");
    }

    @Test
    void unlinkWithoutDirectoryFsyncComesBack() throws IOException {
        Path f = dir.resolve("segment");
        writeAndSync(f, "entries", true);
        fsyncDir(dir);
        Files.delete(f);
        mount.powerLoss(TornWrite.NONE, new Random(1));
        assertEquals("entries", Files.readString(f));
        Files.delete(f);
        fsyncDir(dir);
        mount.powerLoss(TornWrite.NONE, new Random(1));
        assertFalse(Files.exists(f));
    }

    @Test
    void newSubdirectoryNeedsItsParentSynced() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("wal"));
        writeAndSync(sub.resolve("1.wal"), "x", true);
        fsyncDir(sub);
        mount.powerLoss(TornWrite.NONE, new Random(1));
        assertFalse(Files.exists(sub), "mkdir without fsync of the parent is lost");
        sub = Files.createDirectories(dir.resolve("wal"));
        fsyncDir(dir);
        writeAndSync(sub.resolve("1.wal"), "x", true);
        fsyncDir(sub);
        mount.powerLoss(TornWrite.NONE, new Random(1));
        assertEquals("x", Files.readString(sub.resolve("1.wal")));
        assertEquals("x", Files.readString(backing.resolve("wal/1.wal")));
    }

    @Test
    void truncateIsUnsyncedUntilFsync() throws IOException {
        Path f = dir.resolve("tail");
        writeAndSync(f, "valid+torn", true);
        fsyncDir(dir);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(5);
        }
        mount.powerLoss(TornWrite.NONE, new Random(1));
        assertEquals("valid+torn", Files.readString(f), "an unsynced truncate is undone");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(5);
            ch.force(true);
        }
        mount.powerLoss(TornWrite.NONE, new Random(1));
        assertEquals("valid", Files.readString(f));
    }

    @Test
    void tornTailShapes() throws IOException {
        Path f = dir.resolve("log");
        writeAndSync(f, "HEAD", true);
        fsyncDir(dir);
        byte[] record = "0123456789".getBytes(StandardCharsets.US_ASCII);
        appendBytes(f, record, false);
        PowerLoss prefix = mount.powerLoss(TornWrite.PREFIX, new Random(7));
        int kept = prefix.tornKeptBytes();
        assertEquals("log", prefix.tornFile());
        assertTrue(kept < record.length, "a proper prefix");
        assertEquals("HEAD" + "0123456789".substring(0, kept), Files.readString(f));

        appendBytes(f, record, false);
        PowerLoss zeros = mount.powerLoss(TornWrite.ZERO_TAIL, new Random(8));
        byte[] after = Files.readAllBytes(f);
        int start = 4 + kept;
        assertEquals(start + record.length, after.length, "the length made it to disk");
        for (int i = 0; i < record.length; i++) {
            byte expected = i < zeros.tornKeptBytes() ? record[i] : 0;
            assertEquals(expected, after[start + i], "byte " + i + " of the torn write");
        }
        assertArrayEquals(after, Files.readAllBytes(backing.resolve("log")), "the tear is durable");
    }

    @Test
    void onlyTheLastUnsyncedWriteIsTorn() throws IOException {
        Path f = dir.resolve("log");
        writeAndSync(f, "", true);
        fsyncDir(dir);
        append(f, "first-", false);
        append(f, "second", false);
        PowerLoss loss = mount.powerLoss(TornWrite.PREFIX, new Random(3));
        // The last write started at offset 6, past the durable end (0): the gap reads as zeros.
        String expected = loss.tornKeptBytes() == 0 ? "" : "\0".repeat(6) + "second".substring(0, loss.tornKeptBytes());
        assertEquals(expected, Files.readString(f));
    }

    @Test
    void openHandlesDieWithThePower() throws IOException {
        Path f = dir.resolve("open");
        writeAndSync(f, "", true);
        fsyncDir(dir);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1}));
            mount.powerLoss(TornWrite.NONE, new Random(1));
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                    () -> ch.write(ByteBuffer.wrap(new byte[] {2})));
            assertTrue(e.getMessage().toLowerCase().contains("bad file"), e.getMessage());
        } catch (IOException closeAfterLoss) {
            // close(2) of a handle the power loss took may fail too; that is fine
        }
        assertEquals(0, Files.size(f));
    }

    private static void writeAndSync(Path f, String content, boolean sync) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
            if (sync) {
                ch.force(true);
            }
        }
    }

    private static void append(Path f, String content, boolean sync) throws IOException {
        appendBytes(f, content.getBytes(StandardCharsets.UTF_8), sync);
    }

    private static void appendBytes(Path f, byte[] content, boolean sync) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(content));
            if (sync) {
                ch.force(false);
            }
        }
    }

    private static void fsyncDir(Path d) throws IOException {
        try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
