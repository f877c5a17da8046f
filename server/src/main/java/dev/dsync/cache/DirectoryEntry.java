package dev.dsync.cache;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.TreeMap;

/**
 * One key's replicated record: its current value and version, and which nodes hold a copy in
 * which state. Mutated only through {@link CacheTable}, which keeps the per-node index in step.
 */
final class DirectoryEntry {
    /**
     * A node's copy: its state, the version it holds (always the entry's version), and the log
     * index of the command that put the copy in this state. A node serves the copy only once the
     * leader says every change up to that index has reached the other holders it affects.
     */
    record Copy(LineState state, long version, long since) {}

    final String key;
    /** Never JSON null: null means "absent", and an absent key has no entry. */
    JsonNode value;
    /** The version of the write that produced {@link #value}; positive. */
    long version;
    /** Holders by node id, sorted so answers and snapshots list them in one order everywhere. */
    final TreeMap<String, Copy> copies = new TreeMap<>();

    DirectoryEntry(String key, JsonNode value, long version) {
        this.key = key;
        this.value = value;
        this.version = version;
    }

    Line lineOf(String node) {
        Copy copy = copies.get(node);
        return copy == null ? null : new Line(value, copy.version(), copy.state(), copy.since());
    }
}
