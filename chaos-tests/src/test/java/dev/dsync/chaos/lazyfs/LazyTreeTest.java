package dev.dsync.chaos.lazyfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durability rules of {@link LazyTree} without FUSE, with a real backing directory. */
class LazyTreeTest {
    @TempDir
    Path backing;
    private LazyTree tree;

    @BeforeEach
    void load() throws IOException {
        tree = new BackingDir(backing).load(() -> 0L);
    }

    @Test
    void aNamedButNeverFsyncedFileComesBackEmpty() {
        long h = tree.create("/f", 0644);
        tree.write(h, 0, bytes("data"));
        tree.fsyncDirectory("/");
        tree.powerLoss(TornWrite.NONE, new Random(1));
        assertEquals(0, tree.stat("/f").size());
    }

    @Test
    void fileFsyncedBeforeItsNameIsKeptOnceTheNameIs() throws IOException {
        long h = tree.create("/f", 0644);
        tree.write(h, 0, bytes("data"));
        tree.fsync(h);
        assertFalse(Files.exists(backing.resolve("f")), "no durable name yet");
        tree.fsyncDirectory("/");
        assertEquals("data", Files.readString(backing.resolve("f")));
        tree.powerLoss(TornWrite.NONE, new Random(1));
        assertEquals("data", read("/f"));
    }

    @Test
    void crossDirectoryRenameNeedsBothDirectoriesSynced() throws IOException {
        tree.mkdir("/a", 0755);
        tree.mkdir("/b", 0755);
        tree.fsyncDirectory("/");
        long h = tree.create("/a/x", 0644);
        tree.write(h, 0, bytes("x"));
        tree.fsync(h);
        tree.fsyncDirectory("/a");
        tree.rename("/a/x", "/b/x");
        tree.fsyncDirectory("/b"); // only the target side
        tree.powerLoss(TornWrite.NONE, new Random(1));
        assertEquals(List.of("x"), tree.list("/a"), "the source entry was never removed durably");
        assertEquals(List.of("x"), tree.list("/b"));
        assertEquals("x", Files.readString(backing.resolve("a/x")));
        assertEquals("x", Files.readString(backing.resolve("b/x")));
    }

    @Test
    void fsyncOfAnInodeReachesEveryDurableName() throws IOException {
        long h = tree.create("/old", 0644);
        tree.fsyncDirectory("/");
        tree.rename("/old", "/new");
        tree.write(h, 0, bytes("v2"));
        tree.fsync(h);
        assertEquals("v2", Files.readString(backing.resolve("old")), "durably still called old");
        tree.powerLoss(TornWrite.NONE, new Random(1));
        assertEquals("v2", read("/old"));
        assertThrows(FsException.class, () -> tree.stat("/new"));
    }

    @Test
    void renameFollowsPosixRules() {
        tree.mkdir("/d", 0755);
        tree.create("/d/f", 0644);
        tree.create("/g", 0644);
        assertEquals(FsException.EINVAL, errno(() -> tree.rename("/d", "/d/sub")));
        assertEquals(FsException.EISDIR, errno(() -> tree.rename("/g", "/d")));
        assertEquals(FsException.ENOTDIR, errno(() -> tree.mkdir("/g/x", 0755)));
        tree.mkdir("/e", 0755);
        assertEquals(FsException.ENOTEMPTY, errno(() -> tree.rename("/e", "/d")));
        tree.rename("/d", "/e2");
        assertEquals(List.of("f"), tree.list("/e2"));
        assertEquals(FsException.ENOTEMPTY, errno(() -> tree.rmdir("/e2")));
        assertEquals(FsException.EEXIST, errno(() -> tree.create("/g", 0644)));
    }

    @Test
    void aPowerLossInvalidatesHandlesButNotLaterOnes() {
        long before = tree.create("/f", 0644);
        tree.fsyncDirectory("/");
        tree.powerLoss(TornWrite.NONE, new Random(1));
        assertEquals(FsException.EBADF, errno(() -> tree.write(before, 0, bytes("x"))));
        long after = tree.open("/f");
        tree.release(before); // a late release from the dead process must not close the new handle
        tree.write(after, 0, bytes("y"));
        assertEquals("y", read("/f"));
    }

    @Test
    void reportsWhatWasLost() {
        long h = tree.create("/f", 0644);
        tree.fsyncDirectory("/");
        tree.write(h, 0, bytes("1234"));
        tree.create("/g", 0644);
        PowerLoss loss = tree.powerLoss(TornWrite.PREFIX, new Random(5));
        assertEquals(1, loss.filesWithUnsyncedData());
        assertEquals(1, loss.directoriesWithUnsyncedEntries());
        assertEquals("f", loss.tornFile());
        assertEquals(4, loss.tornWriteBytes());
        assertTrue(loss.tornKeptBytes() < 4);
        assertEquals("1234".substring(0, loss.tornKeptBytes()), read("/f"));
    }

    @Test
    void aFileOnlyReachableBeforeItsNameIsDurableIsNotTorn() {
        long h = tree.create("/new", 0644);
        tree.write(h, 0, bytes("abc"));
        PowerLoss loss = tree.powerLoss(TornWrite.PREFIX, new Random(5));
        assertEquals(null, loss.tornFile());
        assertTrue(tree.list("/").isEmpty());
    }

    private String read(String path) {
        long h = tree.open(path);
        String s = new String(tree.read(h, 0, 1 << 20), StandardCharsets.UTF_8);
        tree.release(h);
        return s;
    }

    private static int errno(Runnable op) {
        return assertThrows(FsException.class, op::run).errno;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
