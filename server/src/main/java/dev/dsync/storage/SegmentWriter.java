package dev.dsync.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The open tail segment. Kept open across saves so a save costs one write and one fsync, not an
 * open/close. Invariant: the file ends where its valid data ends.
 */
final class SegmentWriter implements AutoCloseable {
    private final long sequence;
    private final Path path;
    private final Volume.WritableFile file;

    private SegmentWriter(long sequence, Path path, Volume.WritableFile file) {
        this.sequence = sequence;
        this.path = path;
        this.file = file;
    }

    /** A new, empty segment. The caller syncs the directory once the file holds data. */
    static SegmentWriter create(Volume volume, long sequence, Path path) throws IOException {
        return new SegmentWriter(sequence, path, volume.createNew(path));
    }

    /**
     * Reopens a recovered segment for appending after its {@code validBytes}-long valid prefix,
     * cutting off (durably) whatever torn bytes follow it so they cannot confuse a later recovery.
     */
    static SegmentWriter reopen(Volume volume, long sequence, Path path, long validBytes) throws IOException {
        Volume.WritableFile file = volume.openForAppend(path);
        try {
            if (file.size() > validBytes) {
                file.truncate(validBytes);
                file.force();
            }
            return new SegmentWriter(sequence, path, file);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    long sequence() {
        return sequence;
    }

    Path path() {
        return path;
    }

    long size() {
        return file.size();
    }

    /** Writes all of {@code data}; not durable until {@link #force()}. */
    void append(ByteBuffer data) throws IOException {
        file.append(data);
    }

    /** fsyncs the file's data and returns how long it took, in seconds. */
    double force() throws IOException {
        return file.force();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
