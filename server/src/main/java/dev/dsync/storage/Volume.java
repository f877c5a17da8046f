package dev.dsync.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * The disk as the log store sees it: files named by {@link Path}, written by appending, durable only
 * once synced. The node binds it to the real file system ({@link FileVolume}); the simulation to
 * disks that lose whatever was not synced when their node crashes, so the store's fsync order is
 * tested by the same code that runs on the node.
 *
 * <p>Durability rules every binding keeps: a file's bytes are durable after {@link WritableFile#force};
 * a file's existence, name, and removal are durable after {@link #syncDirectory} of its directory.
 */
public interface Volume {

    /** Creates {@code dir} and any missing parents (durable once their parents are synced). */
    void createDirectories(Path dir) throws IOException;

    /** The regular files directly in {@code dir}, in no particular order. */
    List<Path> listFiles(Path dir) throws IOException;

    /** All of {@code file}'s bytes, flipped for reading (one read through {@link #openForRead}). */
    default ByteBuffer readAll(Path file) throws IOException {
        try (ReadableFile in = openForRead(file)) {
            long size = in.size();
            if (size > Integer.MAX_VALUE - 16) {
                throw new IOException("file too large to read at once: " + file + " (" + size + " bytes)");
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) size);
            in.read(0, buffer);
            return buffer.flip();
        }
    }

    /** {@code file} opened for reading in parts (a large file read without a second copy). */
    ReadableFile openForRead(Path file) throws IOException;

    /** A new, empty file; fails if {@code file} exists. */
    WritableFile createNew(Path file) throws IOException;

    /** {@code file} emptied for writing, created if missing. */
    WritableFile replace(Path file) throws IOException;

    /** An existing file opened for appending at its end. */
    WritableFile openForAppend(Path file) throws IOException;

    void deleteIfExists(Path file) throws IOException;

    /** Replaces {@code target} by {@code source} in one step: a reader sees the old file or the new one. */
    void rename(Path source, Path target) throws IOException;

    /**
     * Makes the creations, renames and deletions inside {@code dir} durable. Where a platform cannot
     * (some refuse to open a directory), a binding does nothing rather than fail the store.
     */
    void syncDirectory(Path dir);

    /** A file open for reading at any position. Not thread-safe. */
    interface ReadableFile extends AutoCloseable {
        long size() throws IOException;

        /** Fills {@code into} with the bytes from {@code position} on; {@link java.io.EOFException} if the file ends first. */
        void read(long position, ByteBuffer into) throws IOException;

        @Override
        void close() throws IOException;
    }

    /** A file open for appending. Not thread-safe. */
    interface WritableFile extends AutoCloseable {
        long size();

        /** Writes all of {@code data} at the end; not durable until {@link #force}. */
        void append(ByteBuffer data) throws IOException;

        /** Cuts the file to {@code bytes}; not durable until {@link #force}. */
        void truncate(long bytes) throws IOException;

        /** Makes the file's bytes durable; returns the seconds it took as the binding measures them. */
        double force() throws IOException;

        @Override
        void close() throws IOException;
    }
}
