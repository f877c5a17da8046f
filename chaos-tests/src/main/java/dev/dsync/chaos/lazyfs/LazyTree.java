package dev.dsync.chaos.lazyfs;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The file system's decisions, free of FUSE: a tree of inodes, each with a live and a durable state
 * (see {@link LazyNode}), and the rules that move state from live to durable.
 *
 * <p>The durability model is strict POSIX, which is what a program may rely on everywhere:
 * <ul>
 *   <li>write, truncate: live only, until fsync or fdatasync of that file (through any handle)
 *       makes the file's whole current content and length durable;</li>
 *   <li>create, mkdir, rename, unlink, rmdir: live only, until fsync of the directory that holds
 *       the entry makes that directory's whole current entry list durable (a rename across
 *       directories needs both);</li>
 *   <li>an entry made durable points at the inode, whose durable content is whatever its own last
 *       fsync saved: a file created, named durably, but never fsynced comes back empty;</li>
 *   <li>mode and times are not modelled as volatile (they change live and durable at once).</li>
 * </ul>
 * This is stricter than ext4, where fsync of a newly created file also persists its name and a
 * rename over an existing file is often ordered after the file's data: code that survives this
 * model survives those file systems too, not the other way round.
 *
 * <p>A power loss ({@link #powerLoss}) replaces every live state by the durable one, optionally
 * tearing the last unsynced write first. Hard links and symlinks are refused (ENOSYS): with them an
 * inode could have many names, and nothing here needs them.
 *
 * <p>Thread safety: every public method is synchronized; FUSE calls come from many threads.
 */
final class LazyTree {
    private final DurableMirror mirror;
    private final LongSupplier clock;
    private final LazyNode root;
    private final Map<Long, LazyNode> handles = new TreeMap<>();
    private long nextId;
    private long nextHandle = 1;
    // The newest write not yet fsynced: the one a power loss may tear.
    private LazyNode lastWriteNode;
    private long lastWriteOffset;
    private byte[] lastWriteData;

    /** Node attributes as getattr reports them. */
    record Attributes(long id, boolean directory, long size, int mode, long mtimeMillis) {
    }

    LazyTree(LazyNode root, long nextId, DurableMirror mirror, LongSupplier clock) {
        this.root = root;
        this.nextId = nextId;
        this.mirror = mirror;
        this.clock = clock;
    }

    synchronized Attributes stat(String path) {
        return attributes(lookup(path));
    }

    synchronized Attributes statHandle(long handle) {
        return attributes(handle(handle));
    }

    synchronized List<String> list(String path) {
        return List.copyOf(directory(path).liveEntries.keySet());
    }

    synchronized void checkDirectory(String path) {
        directory(path);
    }

    synchronized long create(String path, int mode) {
        LazyNode parent = parentOf(path);
        String name = nameOf(path);
        if (parent.liveEntries.containsKey(name)) {
            throw new FsException(FsException.EEXIST, path + " exists");
        }
        LazyNode file = LazyNode.file(nextId++, mode, clock.getAsLong(), new byte[0]);
        parent.liveEntries.put(name, file);
        return newHandle(file);
    }

    synchronized long open(String path) {
        LazyNode node = lookup(path);
        if (node.directory) {
            throw new FsException(FsException.EISDIR, path + " is a directory");
        }
        return newHandle(node);
    }

    synchronized void release(long handle) {
        handles.remove(handle); // unknown handles come from before a power loss: nothing to do
    }

    synchronized byte[] read(long handle, long offset, int size) {
        return handle(handle).live.read(offset, size);
    }

    synchronized void write(long handle, long offset, byte[] data) {
        LazyNode file = handle(handle);
        file.live.write(offset, data, 0, data.length);
        file.markDirty(offset);
        file.mtimeMillis = clock.getAsLong();
        lastWriteNode = file;
        lastWriteOffset = offset;
        lastWriteData = data;
    }

    synchronized void truncate(String path, long size) {
        truncate(lookupFile(path), size);
    }

    synchronized void truncateHandle(long handle, long size) {
        truncate(handle(handle), size);
    }

    /** fsync / fdatasync of a file: its content and length become durable. */
    synchronized void fsync(long handle) {
        LazyNode file = handle(handle);
        if (file.dirtyFrom == LazyNode.CLEAN) {
            return;
        }
        file.durable.syncFrom(file.live, file.dirtyFrom);
        for (String path : durablePaths(file)) {
            mirror.writeFile(path, file.durable, file.dirtyFrom);
        }
        file.dirtyFrom = LazyNode.CLEAN;
        if (lastWriteNode == file) {
            lastWriteNode = null;
        }
    }

    /** fsync of a directory: its entry list becomes durable (not the content of what it names). */
    synchronized void fsyncDirectory(String path) {
        LazyNode dir = directory(path);
        TreeMap<String, LazyNode> before = dir.durableEntries;
        dir.durableEntries = new TreeMap<>(dir.liveEntries);
        for (String dirPath : durablePaths(dir)) {
            for (Map.Entry<String, LazyNode> e : before.entrySet()) {
                if (dir.durableEntries.get(e.getKey()) != e.getValue()) {
                    mirror.delete(join(dirPath, e.getKey()));
                }
            }
            for (Map.Entry<String, LazyNode> e : dir.durableEntries.entrySet()) {
                if (before.get(e.getKey()) != e.getValue()) {
                    materialize(join(dirPath, e.getKey()), e.getValue());
                }
            }
        }
    }

    synchronized void mkdir(String path, int mode) {
        LazyNode parent = parentOf(path);
        String name = nameOf(path);
        if (parent.liveEntries.containsKey(name)) {
            throw new FsException(FsException.EEXIST, path + " exists");
        }
        parent.liveEntries.put(name, LazyNode.directory(nextId++, mode, clock.getAsLong()));
    }

    synchronized void unlink(String path) {
        LazyNode parent = parentOf(path);
        LazyNode node = lookup(path);
        if (node.directory) {
            throw new FsException(FsException.EISDIR, path + " is a directory");
        }
        parent.liveEntries.remove(nameOf(path));
    }

    synchronized void rmdir(String path) {
        LazyNode dir = directory(path);
        if (dir == root) {
            throw new FsException(FsException.EPERM, "cannot remove the root");
        }
        if (!dir.liveEntries.isEmpty()) {
            throw new FsException(FsException.ENOTEMPTY, path + " is not empty");
        }
        parentOf(path).liveEntries.remove(nameOf(path));
    }

    /** rename(2): replaces an existing target atomically (file over file, directory over empty directory). */
    synchronized void rename(String from, String to) {
        LazyNode node = lookup(from);
        LazyNode fromParent = parentOf(from);
        LazyNode toParent = parentOf(to);
        if (node == root || (node.directory && (to + "/").startsWith(from + "/"))) {
            throw new FsException(FsException.EINVAL, "cannot move " + from + " into itself");
        }
        LazyNode target = toParent.liveEntries.get(nameOf(to));
        if (target == node) {
            return;
        }
        if (target != null) {
            if (node.directory && !target.directory) {
                throw new FsException(FsException.ENOTDIR, to + " is not a directory");
            }
            if (!node.directory && target.directory) {
                throw new FsException(FsException.EISDIR, to + " is a directory");
            }
            if (target.directory && !target.liveEntries.isEmpty()) {
                throw new FsException(FsException.ENOTEMPTY, to + " is not empty");
            }
        }
        fromParent.liveEntries.remove(nameOf(from));
        toParent.liveEntries.put(nameOf(to), node);
    }

    synchronized void chmod(String path, int mode) {
        lookup(path).mode = mode;
    }

    synchronized void setModified(String path, long mtimeMillis) {
        lookup(path).mtimeMillis = mtimeMillis;
    }

    /**
     * Power loss: every live state becomes the durable one; inodes no durable entry reaches vanish,
     * and every open handle is gone (the processes that held them died with the power).
     * Optionally the last unsynced write is first torn, {@code random} choosing how much survives.
     */
    synchronized PowerLoss powerLoss(TornWrite tear, Random random) {
        List<LazyNode> reachable = new ArrayList<>();
        Map<LazyNode, String> firstPath = new IdentityHashMap<>();
        collectDurable(root, "", reachable, firstPath);
        String tornFile = null;
        int kept = 0;
        int writeBytes = 0;
        if (tear != TornWrite.NONE && lastWriteNode != null && firstPath.containsKey(lastWriteNode)
                && lastWriteData.length > 0) {
            writeBytes = lastWriteData.length;
            kept = random.nextInt(writeBytes); // a proper prefix: 0 .. length-1 bytes
            tornFile = firstPath.get(lastWriteNode);
            applyTear(lastWriteNode, tear, kept);
        }
        int files = 0;
        int dirs = 0;
        for (LazyNode node : reachable) {
            if (node.dirty()) {
                if (node.directory) {
                    dirs++;
                } else {
                    files++;
                }
            }
            if (node.directory) {
                node.liveEntries = new TreeMap<>(node.durableEntries);
            } else {
                node.live = node.durable.copy();
                node.dirtyFrom = LazyNode.CLEAN;
            }
        }
        handles.clear();
        lastWriteNode = null;
        lastWriteData = null;
        return new PowerLoss(files, dirs, tornFile, kept, writeBytes);
    }

    private void applyTear(LazyNode file, TornWrite tear, int kept) {
        int end = (int) Math.min(Integer.MAX_VALUE - 8, lastWriteOffset + lastWriteData.length);
        file.durable.write(lastWriteOffset, lastWriteData, 0, kept);
        if (tear == TornWrite.ZERO_TAIL && file.durable.length() < end) {
            file.durable.truncate(end);
        }
        for (String path : durablePaths(file)) {
            mirror.writeFile(path, file.durable, 0);
        }
    }

    private void truncate(LazyNode file, long size) {
        if (file.directory) {
            throw new FsException(FsException.EISDIR, "cannot truncate a directory");
        }
        if (size < 0) {
            throw new FsException(FsException.EINVAL, "negative size");
        }
        file.markDirty(Math.min(size, file.live.length()));
        file.live.truncate(size);
        file.mtimeMillis = clock.getAsLong();
        if (lastWriteNode == file) {
            lastWriteNode = null; // a later truncate makes "the last write" ill-defined: tear nothing
        }
    }

    /** Writes a node's whole durable state at {@code path} in the mirror. */
    private void materialize(String path, LazyNode node) {
        if (node.directory) {
            mirror.makeDirectory(path);
            for (Map.Entry<String, LazyNode> e : node.durableEntries.entrySet()) {
                materialize(join(path, e.getKey()), e.getValue());
            }
        } else {
            mirror.writeFile(path, node.durable, 0);
        }
    }

    /** Every path at which a power loss would find {@code target} (usually one, none if new). */
    private List<String> durablePaths(LazyNode target) {
        List<String> paths = new ArrayList<>();
        findDurable(root, "", target, paths);
        return paths;
    }

    private static void findDurable(LazyNode dir, String path, LazyNode target, List<String> out) {
        if (dir == target) {
            out.add(path);
        }
        if (dir.directory) {
            for (Map.Entry<String, LazyNode> e : dir.durableEntries.entrySet()) {
                findDurable(e.getValue(), join(path, e.getKey()), target, out);
            }
        }
    }

    private static void collectDurable(LazyNode node, String path, List<LazyNode> out, Map<LazyNode, String> firstPath) {
        if (firstPath.putIfAbsent(node, path) != null) {
            return;
        }
        out.add(node);
        if (node.directory) {
            for (Map.Entry<String, LazyNode> e : node.durableEntries.entrySet()) {
                collectDurable(e.getValue(), join(path, e.getKey()), out, firstPath);
            }
        }
    }

    private long newHandle(LazyNode node) {
        long h = nextHandle++;
        handles.put(h, node);
        return h;
    }

    private LazyNode handle(long handle) {
        LazyNode node = handles.get(handle);
        if (node == null) {
            throw new FsException(FsException.EBADF, "no open handle " + handle);
        }
        return node;
    }

    private LazyNode lookup(String path) {
        LazyNode node = root;
        for (String name : split(path)) {
            if (!node.directory) {
                throw new FsException(FsException.ENOTDIR, path + ": not a directory on the way");
            }
            node = node.liveEntries.get(name);
            if (node == null) {
                throw new FsException(FsException.ENOENT, path + " does not exist");
            }
        }
        return node;
    }

    private LazyNode lookupFile(String path) {
        LazyNode node = lookup(path);
        if (node.directory) {
            throw new FsException(FsException.EISDIR, path + " is a directory");
        }
        return node;
    }

    private LazyNode directory(String path) {
        LazyNode node = lookup(path);
        if (!node.directory) {
            throw new FsException(FsException.ENOTDIR, path + " is not a directory");
        }
        return node;
    }

    private LazyNode parentOf(String path) {
        List<String> parts = split(path);
        if (parts.isEmpty()) {
            throw new FsException(FsException.EINVAL, "the root has no parent");
        }
        return directory(String.join("/", parts.subList(0, parts.size() - 1)));
    }

    private static String nameOf(String path) {
        List<String> parts = split(path);
        return parts.get(parts.size() - 1);
    }

    private static List<String> split(String path) {
        List<String> parts = new ArrayList<>();
        for (String p : path.split("/")) {
            if (!p.isEmpty()) {
                parts.add(p);
            }
        }
        return parts;
    }

    private static String join(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }

    private static Attributes attributes(LazyNode n) {
        return new Attributes(n.id, n.directory, n.directory ? 0 : n.live.length(), n.mode, n.mtimeMillis);
    }
}
