package dev.dsync.chaos.lazyfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * One mounted lazy file system: a FUSE mount at {@code mountPoint}, served from this JVM, whose
 * durable state lives in {@code backing}. {@link #powerLoss} drops whatever was not fsynced.
 *
 * <p>Mounts never outlive the JVM: {@link #close} unmounts, a shutdown hook unmounts whatever is
 * still mounted, the mount asks fusermount to unmount it if this process dies without either
 * (auto_unmount), and {@link #mount} first lazily unmounts any dead mount of ours left behind.
 */
public final class LazyMount implements AutoCloseable {
    static final String FS_NAME = "dsync-lazyfs";
    private static final Set<LazyMount> LIVE = ConcurrentHashMap.newKeySet();
    private static final long MOUNT_WAIT_MS = 10_000;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(LIVE).forEach(LazyMount::close),
                "lazyfs-unmount"));
    }

    private final Path mountPoint;
    private final LazyTree tree;
    private final LazyFuse fuse;

    private LazyMount(Path mountPoint, LazyTree tree, LazyFuse fuse) {
        this.mountPoint = mountPoint;
        this.tree = tree;
        this.fuse = fuse;
    }

    /** Null if FUSE mounts can be made here, otherwise why not (for a loud skip or a clear error). */
    public static String unavailableReason() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return "FUSE mounts need Linux";
        }
        if (!Files.isReadable(Path.of("/dev/fuse")) || !Files.isWritable(Path.of("/dev/fuse"))) {
            return "/dev/fuse is missing or not read-writable by this user";
        }
        try {
            new LazyFuse(null);
        } catch (Throwable e) {
            return "libfuse 2 (libfuse.so.2) cannot be loaded: " + e.getMessage() + " (Debian: apt-get install libfuse2 fuse3)";
        }
        return null;
    }

    /** Mounts a lazy file system at {@code mountPoint} (created if missing), starting from {@code backing}'s content. */
    public static LazyMount mount(Path mountPoint, Path backing) throws IOException {
        return mount(mountPoint, backing, false);
    }

    /**
     * As {@link #mount(Path, Path)}; with {@code otherUsers} the mount is usable by every user, not only
     * the one who mounted it (FUSE's allow_other): a container's unprivileged node process reaches it
     * through a bind mount. Every caller sees the files as its own (see {@link LazyFuse#getattr}).
     */
    public static LazyMount mount(Path mountPoint, Path backing, boolean otherUsers) throws IOException {
        String why = unavailableReason();
        if (why != null) {
            throw new IOException("cannot mount a lazy file system: " + why);
        }
        Path mp = mountPoint.toAbsolutePath().normalize();
        unmountDeadMounts();
        Files.createDirectories(mp);
        LazyTree tree = new BackingDir(backing).load(System::currentTimeMillis);
        LazyFuse fuse = new LazyFuse(tree);
        String[] options = {"-o", String.join(",",
                "fsname=" + FS_NAME, "subtype=lazyfs",
                "direct_io",                                         // no page cache: every read and write reaches the tree
                "attr_timeout=0", "entry_timeout=0", "negative_timeout=0", // a power loss changes names and sizes under the kernel
                "hard_remove",                                       // unlink really unlinks, open handles keep working
                "big_writes", "max_write=131072",                    // one write(2) stays one tree write where it can
                "auto_unmount") + (otherUsers ? ",allow_other" : "")};
        LazyMount m;
        synchronized (Spawning.LOCK) { // until fusermount runs: see Spawning
            // Blocking mount on a thread of our own: jnr-fuse's non-blocking mount always waits 2 s.
            CompletableFuture<Void> ended = new CompletableFuture<>();
            Thread.ofPlatform().daemon().name("lazyfs " + mp.getFileName()).start(() -> {
                try {
                    CloseOnExec.markAll(); // libfuse's fusermount must not inherit the bench's sockets
                    fuse.mount(mp, true, false, options);
                    ended.complete(null);
                } catch (Throwable e) {
                    ended.completeExceptionally(e);
                }
            });
            m = new LazyMount(mp, tree, fuse);
            LIVE.add(m);
            long deadline = System.currentTimeMillis() + MOUNT_WAIT_MS;
            while (!awaitServing(fuse, 5) || !MountTable.isMounted(mp)) {
                if (ended.isDone() || System.currentTimeMillis() > deadline) {
                    m.close();
                    String cause = ended.isCompletedExceptionally() ? ": " + ended.exceptionNow() : "";
                    throw new IOException("the lazy file system did not appear at " + mp + cause);
                }
            }
        }
        reclaimSignals();
        return m;
    }

    public Path mountPoint() {
        return mountPoint;
    }

    /** Simulates a power loss: see {@link LazyTree#powerLoss}. Only call it when nothing uses the mount. */
    public PowerLoss powerLoss(TornWrite tear, Random random) {
        return tree.powerLoss(tear, random);
    }

    /** Unmounts (lazily if busy) and waits until the mount is gone. Safe to call more than once. */
    @Override
    public void close() {
        if (!LIVE.remove(this)) {
            return;
        }
        if (run("fusermount3", "-u", mountPoint.toString()) != 0 && run("fusermount", "-u", mountPoint.toString()) != 0) {
            run("umount", "-l", mountPoint.toString()); // busy (a process still has a file open): detach now, free later
        }
        fuse.forgetMounted();
        long deadline = System.currentTimeMillis() + MOUNT_WAIT_MS;
        while (MountTable.isMounted(mountPoint) && System.currentTimeMillis() < deadline) {
            sleep(20);
        }
        if (MountTable.isMounted(mountPoint)) {
            System.err.println("lazyfs: " + mountPoint + " is still mounted after unmounting; run: umount -l " + mountPoint);
        }
    }

    /** Lazily unmounts mounts of ours whose serving process is gone ("transport endpoint is not connected"). */
    static List<Path> unmountDeadMounts() {
        List<Path> removed = new ArrayList<>();
        for (Path mp : MountTable.mountsOf(FS_NAME)) {
            boolean ours = LIVE.stream().anyMatch(m -> m.mountPoint.equals(mp));
            if (!ours && MountTable.isDead(mp) && run("umount", "-l", mp.toString()) == 0) {
                System.err.println("lazyfs: unmounted a dead mount left behind at " + mp);
                removed.add(mp);
            }
        }
        return removed;
    }

    /**
     * libfuse 2's fuse_main installs its own SIGINT/SIGTERM/SIGHUP handlers, which would make Ctrl-C
     * end one mount's loop instead of running the JVM's shutdown (and with it every unmount). Put
     * back what the JVM does by default for them: exit with 128 + the signal number, running the
     * shutdown hooks. (The JVM's own handler cannot be re-registered: asking for the current handler
     * returns libfuse's.) libfuse only removes handlers that are its own, so these stay.
     */
    private static void reclaimSignals() {
        for (String name : List.of("INT", "TERM", "HUP")) {
            try {
                Signal.handle(new Signal(name), signal -> System.exit(128 + signal.getNumber()));
            } catch (IllegalArgumentException e) {
                // The JVM does not handle this signal here (e.g. -Xrs): nothing to restore.
            }
        }
    }

    private static int run(String... command) {
        try {
            Process p;
            synchronized (Spawning.LOCK) {
                p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static boolean awaitServing(LazyFuse fuse, long ms) {
        try {
            return fuse.awaitServing(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
