package dev.dsync.chaos.lazyfs;

import java.util.Arrays;

/**
 * The bytes of one file, growable. Used twice per file: once for what processes see (live) and
 * once for what survived the last fsync (durable). Not thread-safe: {@link LazyTree} serialises access.
 */
final class FileData {
    private byte[] bytes;
    private int length;

    FileData() {
        this(new byte[0], 0);
    }

    private FileData(byte[] bytes, int length) {
        this.bytes = bytes;
        this.length = length;
    }

    static FileData of(byte[] content) {
        return new FileData(content.clone(), content.length);
    }

    int length() {
        return length;
    }

    /** Copies up to {@code size} bytes from {@code offset} into a new array (empty past the end). */
    byte[] read(long offset, int size) {
        if (offset >= length || size <= 0) {
            return new byte[0];
        }
        int from = (int) offset;
        return Arrays.copyOfRange(bytes, from, from + Math.min(size, length - from));
    }

    /** Writes {@code data[from, from+count)} at {@code offset}; a gap past the end reads as zeros. */
    void write(long offset, byte[] data, int from, int count) {
        long end = offset + count;
        if (end > Integer.MAX_VALUE - 8) {
            throw new FsException(FsException.EFBIG, "file would exceed 2 GiB");
        }
        ensureCapacity((int) end);
        System.arraycopy(data, from, bytes, (int) offset, count);
        length = Math.max(length, (int) end);
    }

    /** Cuts or extends (with zeros) to {@code newLength}. */
    void truncate(long newLength) {
        if (newLength > Integer.MAX_VALUE - 8) {
            throw new FsException(FsException.EFBIG, "file would exceed 2 GiB");
        }
        int n = (int) newLength;
        if (n < length) {
            Arrays.fill(bytes, n, length, (byte) 0); // so a later extension reads zeros, as POSIX says
        } else {
            ensureCapacity(n);
        }
        length = n;
    }

    /** Makes this equal to {@code source}, copying only from {@code dirtyFrom} on (the rest is equal already). */
    void syncFrom(FileData source, int dirtyFrom) {
        truncate(source.length);
        if (dirtyFrom < source.length) {
            System.arraycopy(source.bytes, dirtyFrom, bytes, dirtyFrom, source.length - dirtyFrom);
        }
    }

    FileData copy() {
        return new FileData(Arrays.copyOf(bytes, length), length);
    }

    byte[] toArray() {
        return Arrays.copyOf(bytes, length);
    }

    private void ensureCapacity(int needed) {
        if (needed > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * bytes.length + 4096)));
        }
    }
}
