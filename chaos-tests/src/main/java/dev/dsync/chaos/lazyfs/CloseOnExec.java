package dev.dsync.chaos.lazyfs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.ffi.LibraryLoader;

/**
 * Marks this process's open file descriptors close-on-exec before libfuse runs fusermount.
 *
 * <p>The JVM does not open its sockets close-on-exec (its own {@code ProcessBuilder} closes them in
 * the child instead), but libfuse forks and execs fusermount itself, and with {@code auto_unmount}
 * fusermount stays alive for as long as the mount. It then held a copy of every socket the bench
 * had open, the proxies' listening sockets among them: a proxy disabled and enabled again at a
 * heal found its port still bound by fusermount ("Address already in use"), and a connection the
 * bench closed stayed open at the other end. Marking happens just before each mount; a socket
 * opened by another thread in between can still leak, so the proxies (made at cluster start) are
 * what this protects.
 */
final class CloseOnExec {
    /** libc's fcntl with one int argument: enough for F_GETFD and F_SETFD. */
    public interface LibC {
        int fcntl(int fd, int cmd, int arg);
    }

    private static final int F_GETFD = 1;
    private static final int F_SETFD = 2;
    private static final int FD_CLOEXEC = 1;
    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

    private CloseOnExec() {}

    /** Marks every descriptor above stderr; returns how many were not marked yet. Best effort. */
    static int markAll() {
        int marked = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path entry : fds) {
                int fd = Integer.parseInt(entry.getFileName().toString());
                if (fd <= 2) {
                    continue;
                }
                int flags = LIBC.fcntl(fd, F_GETFD, 0);
                if (flags >= 0 && (flags & FD_CLOEXEC) == 0 && LIBC.fcntl(fd, F_SETFD, flags | FD_CLOEXEC) == 0) {
                    marked++;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no /proc: nothing to mark from here; fusermount may then keep copies, as before
        }
        return marked;
    }
}
