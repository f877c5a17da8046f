package dev.dsync.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** fsync helpers for what FileChannel.force alone does not cover: directory entries. */
final class Durability {
    private static final System.Logger LOG = System.getLogger(Durability.class.getName());

    private Durability() {
    }

    /**
     * Makes a create, rename or delete inside {@code dir} durable. Some platforms (Windows, some
     * network file systems) refuse to open or sync a directory; there we can do no better, so the
     * failure is logged and ignored rather than making the store unusable.
     */
    static void fsyncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "directory fsync not supported for " + dir, e);
        }
    }
}
