package dev.dsync.cache;

/**
 * A node's MESI state for one key's line, as the directory records it. Invalid (I) is not a state
 * the directory stores: a node that holds no copy is simply not listed.
 *
 * <p>Because every write is committed through the Raft log before it is acknowledged, no line is
 * ever dirty: M means "this node wrote the current version and is its only holder", E "this node
 * read it and is its only holder", S "other nodes may hold the same version too".
 */
public enum LineState {
    /** Modified: the holder wrote the current version; no other node holds the key. */
    M,
    /** Exclusive: the holder read the current version; no other node holds the key. */
    E,
    /** Shared: other nodes may hold the same version. */
    S;

    /** M and E: the holder must be the key's only holder. */
    public boolean exclusive() {
        return this != S;
    }
}
