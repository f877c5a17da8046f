package dev.dsync.chaos.lazyfs;

/**
 * What a power loss does to the last write that was not yet fsynced (every earlier unsynced write
 * is lost whole). The shapes are the ones real disks and file systems leave after a crash mid-write.
 */
public enum TornWrite {
    /** The last write is lost whole, like every other unsynced write. */
    NONE,
    /** A random proper prefix of the last write reached the disk; the file ends where that prefix ends. */
    PREFIX,
    /**
     * The file's new length reached the disk but only a prefix of the data did: the rest of the
     * write reads as zeros (what delayed allocation or a metadata-first journal can leave).
     */
    ZERO_TAIL
}
