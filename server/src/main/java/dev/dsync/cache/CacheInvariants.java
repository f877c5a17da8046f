package dev.dsync.cache;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks the cache directory's invariants; throws {@link AssertionError} naming the first
 * violation. Meant for tests, the simulation and vetting restored snapshots: it walks the state.
 *
 * <ul>
 *   <li>Exclusivity: per key at most one node is in M or E, and a node in M or E is the key's only
 *       holder (so nobody serves S beside it).
 *   <li>No stale copies: every holder's copy is at the key's current version.
 *   <li>Versions: each key's version is positive and at most the highest version issued, and no
 *       two keys share one (every write issues its own). That versions only grow per key is a
 *       property of histories, asserted where they are issued and checked by the randomized test.
 *   <li>Values: a stored value is never JSON null (null means absent).
 *   <li>Index: the per-node index lists exactly the directory's copies and keeps no empty set.
 * </ul>
 */
public final class CacheInvariants {
    private CacheInvariants() {}

    public static void check(CacheStateMachine sm) {
        check(sm.table());
    }

    static void check(CacheTable table) {
        Map<Long, String> versionOwner = new HashMap<>();
        Set<String> copies = new TreeSet<>();
        for (var item : table.keys.entrySet()) {
            String key = item.getKey();
            DirectoryEntry entry = item.getValue();
            require(!key.isEmpty() && key.equals(entry.key), key, "directory entry names another key " + entry.key);
            require(entry.value != null && !entry.value.isNull() && !entry.value.isMissingNode(), key,
                    "stored value is null");
            require(entry.version > 0 && entry.version <= table.lastVersion, key,
                    "version " + entry.version + " outside 1.." + table.lastVersion);
            String other = versionOwner.put(entry.version, key);
            require(other == null, key, "version " + entry.version + " also belongs to key " + other);
            checkCopies(entry);
            entry.copies.keySet().forEach(node -> copies.add(node + "\u0000" + key));
        }
        Set<String> indexed = new TreeSet<>();
        table.heldBy.forEach((node, keys) -> {
            require(!keys.isEmpty(), node, "empty index entry kept");
            keys.forEach(key -> indexed.add(node + "\u0000" + key));
        });
        require(copies.equals(indexed), "*", "per-node index differs from the directory");
        require(table.writesTotal >= 0 && table.invalidationsTotal >= 0 && table.fillsTotal >= 0
                && table.staleFillsTotal >= 0 && table.downgradesTotal >= 0 && table.evictionsTotal >= 0,
                "*", "negative counter");
    }

    private static void checkCopies(DirectoryEntry entry) {
        long exclusive = entry.copies.values().stream().filter(c -> c.state().exclusive()).count();
        require(exclusive <= 1, entry.key, "several nodes in M or E: " + entry.copies);
        require(exclusive == 0 || entry.copies.size() == 1, entry.key,
                "a node in M or E shares the key with other holders: " + entry.copies);
        entry.copies.forEach((node, copy) -> {
            require(!node.isEmpty() && copy.state() != null, entry.key, "holder '" + node + "' unnamed or without state");
            require(copy.version() == entry.version, entry.key,
                    "holder " + node + " listed with stale version " + copy.version() + ", current " + entry.version);
        });
    }

    private static void require(boolean ok, String where, String violation) {
        if (!ok) {
            throw new AssertionError("cache invariant violated at " + where + ": " + violation);
        }
    }
}
