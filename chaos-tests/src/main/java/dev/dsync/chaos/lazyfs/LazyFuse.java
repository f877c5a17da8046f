package dev.dsync.chaos.lazyfs;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import jnr.ffi.Pointer;
import jnr.ffi.types.mode_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * The FUSE face of a {@link LazyTree}: translates libfuse's path-and-handle calls into tree calls and
 * {@link FsException}s into negative errnos. Open files are addressed by handle, never by path, so
 * an unlinked but open file keeps working (the mount uses hard_remove). Decides nothing itself.
 */
final class LazyFuse extends FuseStubFS {
    private static final int PERMISSION_BITS = 07777;
    private final LazyTree tree;
    private final CountDownLatch serving = new CountDownLatch(1);

    LazyFuse(LazyTree tree) {
        this.tree = tree;
    }

    /** libfuse calls init once its loop runs, which is after it installed its signal handlers. */
    @Override
    public Pointer init(Pointer conn) {
        serving.countDown();
        return null;
    }

    boolean awaitServing(long millis) throws InterruptedException {
        return serving.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Marks the mount as gone so jnr-fuse's own shutdown hook does not try a second, lazy unmount. */
    void forgetMounted() {
        mounted.set(false);
    }

    @Override
    public int getattr(String path, FileStat stat) {
        return call(() -> fill(stat, tree.stat(path)));
    }

    @Override
    public int fgetattr(String path, FileStat stat, FuseFileInfo fi) {
        return call(() -> fill(stat, tree.statHandle(fi.fh.get())));
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filler, @off_t long offset, FuseFileInfo fi) {
        return call(() -> {
            filler.apply(buf, ".", null, 0);
            filler.apply(buf, "..", null, 0);
            for (String name : tree.list(path)) {
                filler.apply(buf, name, null, 0);
            }
        });
    }

    @Override
    public int opendir(String path, FuseFileInfo fi) {
        return call(() -> tree.checkDirectory(path));
    }

    @Override
    public int releasedir(String path, FuseFileInfo fi) {
        return 0;
    }

    @Override
    public int fsyncdir(String path, FuseFileInfo fi) {
        return call(() -> tree.fsyncDirectory(path));
    }

    @Override
    public int create(String path, @mode_t long mode, FuseFileInfo fi) {
        return handle(fi, () -> tree.create(path, (int) mode & PERMISSION_BITS));
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
        return handle(fi, () -> tree.open(path));
    }

    @Override
    public int read(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        try {
            byte[] data = tree.read(fi.fh.get(), offset, (int) Math.min(size, Integer.MAX_VALUE));
            buf.put(0, data, 0, data.length);
            return data.length;
        } catch (RuntimeException e) {
            return errno(e);
        }
    }

    @Override
    public int write(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        try {
            byte[] data = new byte[(int) size];
            buf.get(0, data, 0, data.length);
            tree.write(fi.fh.get(), offset, data);
            return data.length;
        } catch (RuntimeException e) {
            return errno(e);
        }
    }

    @Override
    public int flush(String path, FuseFileInfo fi) {
        return 0; // close(2) is not a durability point
    }

    @Override
    public int release(String path, FuseFileInfo fi) {
        return call(() -> tree.release(fi.fh.get()));
    }

    @Override
    public int fsync(String path, int isdatasync, FuseFileInfo fi) {
        return call(() -> tree.fsync(fi.fh.get()));
    }

    @Override
    public int truncate(String path, @off_t long size) {
        return call(() -> tree.truncate(path, size));
    }

    @Override
    public int ftruncate(String path, @off_t long size, FuseFileInfo fi) {
        return call(() -> tree.truncateHandle(fi.fh.get(), size));
    }

    @Override
    public int mkdir(String path, @mode_t long mode) {
        return call(() -> tree.mkdir(path, (int) mode & PERMISSION_BITS));
    }

    @Override
    public int rmdir(String path) {
        return call(() -> tree.rmdir(path));
    }

    @Override
    public int unlink(String path) {
        return call(() -> tree.unlink(path));
    }

    @Override
    public int rename(String oldpath, String newpath) {
        return call(() -> tree.rename(oldpath, newpath));
    }

    @Override
    public int chmod(String path, @mode_t long mode) {
        return call(() -> tree.chmod(path, (int) mode & PERMISSION_BITS));
    }

    @Override
    public int chown(String path, long uid, long gid) {
        return 0; // everything belongs to whoever mounted it
    }

    @Override
    public int utimens(String path, Timespec[] timespec) {
        return call(() -> tree.setModified(path,
                timespec[1].tv_sec.get() * 1000 + timespec[1].tv_nsec.longValue() / 1_000_000));
    }

    @Override
    public int access(String path, int mask) {
        return call(() -> tree.stat(path));
    }

    @Override
    public int statfs(String path, Statvfs stbuf) {
        stbuf.f_bsize.set(4096);
        stbuf.f_frsize.set(4096);
        stbuf.f_blocks.set(1L << 24);
        stbuf.f_bfree.set(1L << 23);
        stbuf.f_bavail.set(1L << 23);
        stbuf.f_files.set(1L << 20);
        stbuf.f_ffree.set(1L << 19);
        stbuf.f_favail.set(1L << 19);
        stbuf.f_namemax.set(255);
        return 0;
    }

    @Override
    public int link(String oldpath, String newpath) {
        return -FsException.ENOSYS;
    }

    @Override
    public int symlink(String oldpath, String newpath) {
        return -FsException.ENOSYS;
    }

    private void fill(FileStat stat, LazyTree.Attributes a) {
        stat.st_mode.set((a.directory() ? FileStat.S_IFDIR : FileStat.S_IFREG) | a.mode());
        stat.st_nlink.set(a.directory() ? 2 : 1);
        stat.st_size.set(a.size());
        stat.st_blksize.set(4096);
        stat.st_blocks.set((a.size() + 511) / 512);
        stat.st_uid.set(getContext().uid.get());
        stat.st_gid.set(getContext().gid.get());
        stat.st_mtim.tv_sec.set(a.mtimeMillis() / 1000);
        stat.st_mtim.tv_nsec.set((a.mtimeMillis() % 1000) * 1_000_000);
        stat.st_ctim.tv_sec.set(a.mtimeMillis() / 1000);
        stat.st_atim.tv_sec.set(a.mtimeMillis() / 1000);
    }

    private static int handle(FuseFileInfo fi, LongSupplier open) {
        try {
            fi.fh.set(open.getAsLong());
            return 0;
        } catch (RuntimeException e) {
            return errno(e);
        }
    }

    private static int call(Runnable op) {
        try {
            op.run();
            return 0;
        } catch (RuntimeException e) {
            return errno(e);
        }
    }

    private static int errno(RuntimeException e) {
        if (e instanceof FsException fs) {
            return -fs.errno;
        }
        System.err.println("lazyfs: internal error, answering EIO: " + e);
        e.printStackTrace();
        return -FsException.EIO;
    }
}
