package dev.dsync.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Durable data on disk is damaged in a way that cannot be explained by a crash during the last,
 * unacknowledged write. The node must not start: carrying on would silently drop entries or votes it
 * has already acknowledged to its peers. The message names the file and the byte offset so an
 * operator can inspect it.
 */
public final class CorruptLogException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;

    public CorruptLogException(Path file, long offset, String problem) {
        super(problem + " in " + file + " at byte offset " + offset);
        this.file = file;
        this.offset = offset;
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }
}
