package dev.dsync.chaos.lazyfs;

/**
 * A file system operation refused with a POSIX error. The numbers are Linux's: the FUSE mount only
 * runs on Linux, and keeping them here keeps {@link LazyTree} free of native bindings.
 */
final class FsException extends RuntimeException {
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EBADF = 9;
    static final int EEXIST = 17;
    static final int ENOTDIR = 20;
    static final int EISDIR = 21;
    static final int EINVAL = 22;
    static final int EFBIG = 27;
    static final int ENOSYS = 38;
    static final int ENOTEMPTY = 39;
    static final int EIO = 5;

    final int errno;

    FsException(int errno, String message) {
        super(message, null, false, false);
        this.errno = errno;
    }
}
