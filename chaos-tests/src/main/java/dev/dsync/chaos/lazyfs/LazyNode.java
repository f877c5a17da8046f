package dev.dsync.chaos.lazyfs;

import java.util.TreeMap;

/**
 * One inode: a regular file or a directory, each with a live state (what processes see) and a
 * durable state (what a power loss leaves). Invariants: a file's live bytes equal its durable bytes
 * before {@code dirtyFrom}; a directory's durable entries are its live entries as of its last fsync.
 */
final class LazyNode {
    static final int CLEAN = Integer.MAX_VALUE;

    final long id;
    final boolean directory;
    int mode;
    long mtimeMillis;

    // Regular files only.
    FileData live;
    FileData durable;
    /** Lowest byte offset changed since the last fsync, or {@link #CLEAN}. */
    int dirtyFrom = CLEAN;

    // Directories only: name -> inode.
    TreeMap<String, LazyNode> liveEntries;
    TreeMap<String, LazyNode> durableEntries;

    private LazyNode(long id, boolean directory, int mode, long mtimeMillis) {
        this.id = id;
        this.directory = directory;
        this.mode = mode;
        this.mtimeMillis = mtimeMillis;
    }

    static LazyNode file(long id, int mode, long mtimeMillis, byte[] durableContent) {
        LazyNode n = new LazyNode(id, false, mode, mtimeMillis);
        n.durable = FileData.of(durableContent);
        n.live = n.durable.copy();
        return n;
    }

    static LazyNode directory(long id, int mode, long mtimeMillis) {
        LazyNode n = new LazyNode(id, true, mode, mtimeMillis);
        n.liveEntries = new TreeMap<>();
        n.durableEntries = new TreeMap<>();
        return n;
    }

    void markDirty(long offset) {
        dirtyFrom = (int) Math.min(dirtyFrom, Math.min(offset, Integer.MAX_VALUE - 1));
    }

    boolean dirty() {
        return directory ? !liveEntries.equals(durableEntries) : dirtyFrom != CLEAN;
    }
}
