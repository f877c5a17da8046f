package dev.dsync.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The open tail segment. Kept open across saves so a save costs one write and one fsync, not an
 * open/close. Invariant: the channel position is the end of the valid data.
 */
final class SegmentWriter implements AutoCloseable {
    private final long sequence;
    private final Path path;
    private final FileChannel channel;
    private long size;

    private SegmentWriter(long sequence, Path path, FileChannel channel, long size) throws IOException {
        this.sequence = sequence;
        this.path = path;
        this.channel = channel;
        this.size = size;
        channel.position(size);
    }

    /** A new, empty segment. The caller fsyncs the directory once the file holds data. */
    static SegmentWriter create(long sequence, Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new SegmentWriter(sequence, path, channel, 0);
    }

    /**
     * Reopens a recovered segment for appending after its {@code validBytes}-long valid prefix,
     * cutting off (durably) whatever torn bytes follow it so they cannot confuse a later recovery.
     */
    static SegmentWriter reopen(long sequence, Path path, long validBytes) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE);
        try {
            if (channel.size() > validBytes) {
                channel.truncate(validBytes);
                channel.force(true);
            }
            return new SegmentWriter(sequence, path, channel, validBytes);
        } catch (IOException | RuntimeException e) {
            channel.close();
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
        return size;
    }

    /** Writes all of {@code data}; not durable until {@link #force()}. */
    void append(ByteBuffer data) throws IOException {
        while (data.hasRemaining()) {
            size += channel.write(data);
        }
    }

    /**
     * fsyncs the file's data and returns how long it took, in seconds. force(false) suffices: it
     * still flushes the file length, which is the metadata needed to read the data back.
     */
    double force() throws IOException {
        long start = System.nanoTime();
        channel.force(false);
        return (System.nanoTime() - start) / 1e9;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
