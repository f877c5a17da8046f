package dev.dsync.chaos.lazyfs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The directory that holds a mount's durable state: after every fsync it equals what a power loss
 * would leave. It is not itself fsynced: the power loss is simulated, the machine's disk is not.
 */
final class BackingDir implements DurableMirror {
    private static final int DEFAULT_FILE_MODE = 0644;
    private static final int DEFAULT_DIR_MODE = 0755;

    private final Path root;

    BackingDir(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** Reads the backing directory into a tree whose live state equals its durable state. */
    LazyTree load(LongSupplier clock) throws IOException {
        Files.createDirectories(root);
        long[] nextId = {1};
        LazyNode top = loadDirectory(root, nextId, clock.getAsLong());
        return new LazyTree(top, nextId[0], this, clock);
    }

    private LazyNode loadDirectory(Path dir, long[] nextId, long now) throws IOException {
        LazyNode node = LazyNode.directory(nextId[0]++, DEFAULT_DIR_MODE, now);
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : (Iterable<Path>) children.sorted()::iterator) {
                LazyNode c = Files.isDirectory(child) ? loadDirectory(child, nextId, now)
                        : LazyNode.file(nextId[0]++, DEFAULT_FILE_MODE, now, Files.readAllBytes(child));
                node.liveEntries.put(child.getFileName().toString(), c);
                node.durableEntries.put(child.getFileName().toString(), c);
            }
        }
        return node;
    }

    @Override
    public void writeFile(String path, FileData data, int from) {
        Path file = resolve(path);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            int start = Math.min(from, data.length());
            ByteBuffer tail = ByteBuffer.wrap(data.read(start, data.length() - start));
            long position = start;
            while (tail.hasRemaining()) {
                position += ch.write(tail, position);
            }
            ch.truncate(data.length());
        } catch (IOException e) {
            throw new UncheckedIOException("backing write of " + file + " failed", e);
        }
    }

    @Override
    public void makeDirectory(String path) {
        try {
            Files.createDirectories(resolve(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void delete(String path) {
        Path target = resolve(path);
        if (!Files.exists(target)) {
            return;
        }
        try (Stream<Path> all = Files.walk(target)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("backing delete of " + target + " failed", e);
        }
    }

    private Path resolve(String path) {
        Path p = root.resolve(path).normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException("path escapes the backing dir: " + path);
        }
        return p;
    }
}
