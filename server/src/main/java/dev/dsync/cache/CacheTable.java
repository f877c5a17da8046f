package dev.dsync.cache;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The cache service's whole replicated state, with the bookkeeping every change goes through:
 * the key directory and its per-node index. Decisions (who ends in which state) belong to
 * {@link CacheStateMachine}.
 *
 * <p>Versions come from one counter for all keys, {@link #issueVersion}: every write gets its own,
 * strictly greater than any before it. So a deleted key can be forgotten entirely and its next
 * write still gets a higher version, and (key, version) names exactly one written value.
 */
final class CacheTable {
    /** Sorted maps: every iteration that feeds an answer or the snapshot is deterministic. */
    final TreeMap<String, DirectoryEntry> keys = new TreeMap<>();
    /** Node id -> keys it holds. An index of {@link #keys}; never holds an empty set. */
    final TreeMap<String, TreeSet<String>> heldBy = new TreeMap<>();
    /** The highest command time applied so far (the cache has no timed behaviour yet). */
    long clockMs;
    /** The highest version issued; 0 before the first write. */
    long lastVersion;
    long writesTotal;
    /** Copies removed by writes of other nodes (put, cas, del): the invalidations a write waits for. */
    long invalidationsTotal;
    long fillsTotal;
    long staleFillsTotal;
    /** E or M holders dropped to S by another node's fill. */
    long downgradesTotal;
    long evictionsTotal;

    /** A fresh version for the write at log index {@code commandIndex}: the index itself, normally. */
    long issueVersion(long commandIndex) {
        lastVersion = Math.max(lastVersion + 1, commandIndex);
        return lastVersion;
    }

    /**
     * Makes {@code value} the key's current value at {@code version}, removing every copy but the
     * writer's, and leaves the writer as sole holder in M. Returns the other nodes that lost a copy.
     */
    List<String> overwrite(String key, JsonNode value, long version, String writer) {
        DirectoryEntry entry = keys.computeIfAbsent(key, k -> new DirectoryEntry(k, value, version));
        assert entry.version <= version : "version of " + key + " would go back from " + entry.version + " to " + version;
        List<String> invalidated = dropAllExcept(entry, writer);
        entry.value = value;
        entry.version = version;
        setCopy(entry, writer, LineState.M, version);
        return invalidated;
    }

    /** Forgets the key and every copy of it; returns the holders other than {@code writer}. */
    List<String> delete(DirectoryEntry entry, String writer) {
        List<String> invalidated = dropAllExcept(entry, writer);
        dropCopy(entry, writer);
        keys.remove(entry.key);
        return invalidated;
    }

    private List<String> dropAllExcept(DirectoryEntry entry, String keep) {
        List<String> dropped = new ArrayList<>();
        for (String node : List.copyOf(entry.copies.keySet())) {
            if (!node.equals(keep)) {
                dropCopy(entry, node);
                dropped.add(node);
            }
        }
        return dropped;
    }

    /** Records that {@code node} holds the entry's current version in {@code state} since log index {@code since}. */
    void setCopy(DirectoryEntry entry, String node, LineState state, long since) {
        entry.copies.put(node, new DirectoryEntry.Copy(state, entry.version, since));
        heldBy.computeIfAbsent(node, n -> new TreeSet<>()).add(entry.key);
    }

    /** Returns whether {@code node} held a copy. */
    boolean dropCopy(DirectoryEntry entry, String node) {
        if (entry.copies.remove(node) == null) {
            return false;
        }
        TreeSet<String> held = heldBy.get(node);
        held.remove(entry.key);
        if (held.isEmpty()) {
            heldBy.remove(node);
        }
        return true;
    }
}
