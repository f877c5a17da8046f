package dev.dsync.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** {@link Volume} on the machine's file system: file channels, fsync, and directory fsync. */
public final class FileVolume implements Volume {
    private static final System.Logger LOG = System.getLogger(FileVolume.class.getName());
    public static final FileVolume INSTANCE = new FileVolume();

    private FileVolume() {
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        Files.createDirectories(dir);
    }

    @Override
    public List<Path> listFiles(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path file : (Iterable<Path>) entries::iterator) {
                if (Files.isRegularFile(file)) {
                    files.add(file);
                }
            }
        }
        return files;
    }

    @Override
    public ReadableFile openForRead(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        return new ReadableFile() {
            @Override
            public long size() throws IOException {
                return channel.size();
            }

            @Override
            public void read(long position, ByteBuffer into) throws IOException {
                long at = position;
                while (into.hasRemaining()) {
                    int n = channel.read(into, at);
                    if (n < 0) {
                        throw new EOFException(file + " ends at byte " + at);
                    }
                    at += n;
                }
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    @Override
    public WritableFile createNew(Path file) throws IOException {
        return open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    @Override
    public WritableFile replace(Path file) throws IOException {
        return open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }

    @Override
    public WritableFile openForAppend(Path file) throws IOException {
        return open(file, StandardOpenOption.WRITE);
    }

    @Override
    public void deleteIfExists(Path file) throws IOException {
        Files.deleteIfExists(file);
    }

    @Override
    public void rename(Path source, Path target) throws IOException {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "directory fsync not supported for " + dir, e);
        }
    }

    private static WritableFile open(Path file, OpenOption... options) throws IOException {
        FileChannel channel = FileChannel.open(file, options);
        try {
            return new ChannelFile(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Invariant: the channel's position is its size (every write appends). */
    private static final class ChannelFile implements WritableFile {
        private final FileChannel channel;
        private long size;

        ChannelFile(FileChannel channel) throws IOException {
            this.channel = channel;
            this.size = channel.size();
            channel.position(size);
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public void append(ByteBuffer data) throws IOException {
            while (data.hasRemaining()) {
                size += channel.write(data);
            }
        }

        @Override
        public void truncate(long bytes) throws IOException {
            channel.truncate(bytes);
            channel.position(bytes);
            size = Math.min(size, bytes);
        }

        /** force(false) suffices: it still flushes the file length, the metadata needed to read the data back. */
        @Override
        public double force() throws IOException {
            long start = System.nanoTime();
            channel.force(false);
            return (System.nanoTime() - start) / 1e9;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
