package dev.dsync.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.cache.CacheCommand.Cas;
import dev.dsync.cache.CacheCommand.Del;
import dev.dsync.cache.CacheCommand.DropNode;
import dev.dsync.cache.CacheCommand.Evict;
import dev.dsync.cache.CacheCommand.Fill;
import dev.dsync.cache.CacheCommand.Put;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.statemachine.StateMachine;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The cache service's replicated state machine: the backing store (per key a value and a version)
 * and the MESI directory (which node holds a copy in which state). Pure and deterministic; the
 * queries below change nothing.
 *
 * <p>Rules, each keeping the directory's invariants ({@link CacheInvariants}):
 * <ul>
 *   <li>A write (put, successful cas) gets a fresh version (its log index) and leaves the writer as
 *       the only holder, in M; every other holder loses its copy and is listed as invalidated.
 *       The changes to await ({@link #takeChanges}) list the writer too if it held an older copy.
 *   <li>A del gets a fresh version too, and removes the key and every copy; a later write of the
 *       key still gets a higher version because versions come from one counter for all keys.
 *   <li>A fill installs a copy only if the key is still at the version the node read: E if nobody
 *       else holds the key, else S, and any E or M holder drops to S. A fill by a node that
 *       already holds the key changes nothing and reports its state.
 *   <li>Evict and drop-node remove copies and nothing else; both are idempotent. The key's value
 *       stays: the log, not the caches, is the backing store. An evict is listed as a change the
 *       evicting node must have applied before anything about the key is answered.
 * </ul>
 */
public final class CacheStateMachine implements StateMachine {
    private CacheTable table = new CacheTable();
    /** Not replicated state: what applies changed since the node last took it. */
    private CacheChanges changes = new CacheChanges();

    @Override
    public ApplyResult apply(long index, long nowMs, byte[] command) {
        table.clockMs = Math.max(table.clockMs, nowMs);
        CacheCommand decoded;
        try {
            decoded = CacheCommand.decode(command);
        } catch (IllegalArgumentException e) {
            // Every replica refuses the same bytes the same way; throwing would halt them all.
            return CacheResponses.malformed();
        }
        return switch (decoded) {
            case Put p -> write(index, p.key(), p.val(), p.writer());
            case Cas c -> cas(index, c);
            case Del d -> del(index, d);
            case Fill f -> fill(index, f);
            case Evict e -> evict(index, e);
            case DropNode d -> dropNode(index, d);
        };
    }

    private ApplyResult write(long index, String key, JsonNode value, String writer) {
        long version = table.issueVersion(index);
        assert version == index : "version " + version + " differs from log index " + index;
        boolean writerHeld = holds(key, writer);
        List<String> invalidated = table.overwrite(key, value, version, writer);
        table.writesTotal++;
        table.invalidationsTotal += invalidated.size();
        changes.changed(index, key, awaited(invalidated, writerHeld ? writer : null));
        return CacheResponses.written(version, invalidated);
    }

    private boolean holds(String key, String node) {
        DirectoryEntry entry = table.keys.get(key);
        return entry != null && entry.copies.containsKey(node);
    }

    /**
     * Who must apply a write before anything that depends on it is answered: the holders it
     * invalidated, and the writer if it held an older copy, which its line cache may still serve
     * (to other clients) until it has applied the write.
     */
    private static List<String> awaited(List<String> invalidated, String writerWithOldCopy) {
        if (writerWithOldCopy == null) {
            return invalidated;
        }
        List<String> nodes = new ArrayList<>(invalidated);
        nodes.add(writerWithOldCopy);
        return nodes;
    }

    /** A mismatch changes nothing, not even the writer's own copy. */
    private ApplyResult cas(long index, Cas c) {
        DirectoryEntry entry = table.keys.get(c.key());
        JsonNode current = entry == null ? NullNode.getInstance() : entry.value;
        if (!current.equals(c.expected())) {
            return CacheResponses.casMismatch(current, entry == null ? 0 : entry.version);
        }
        return write(index, c.key(), c.val(), c.writer());
    }

    private ApplyResult del(long index, Del d) {
        DirectoryEntry entry = table.keys.get(d.key());
        if (entry == null) {
            return CacheResponses.notFound();
        }
        long version = table.issueVersion(index);
        boolean writerHeld = entry.copies.containsKey(d.writer());
        List<String> invalidated = table.delete(entry, d.writer());
        table.writesTotal++;
        table.invalidationsTotal += invalidated.size();
        changes.changed(index, d.key(), awaited(invalidated, writerHeld ? d.writer() : null));
        return CacheResponses.written(version, invalidated);
    }

    private ApplyResult fill(long index, Fill f) {
        DirectoryEntry entry = table.keys.get(f.key());
        long current = entry == null ? 0 : entry.version;
        if (current != f.version()) {
            table.staleFillsTotal++;
            return CacheResponses.staleFill(current);
        }
        DirectoryEntry.Copy own = entry.copies.get(f.node());
        if (own != null) {
            return CacheResponses.filled(own.state(), current, List.of());
        }
        List<String> downgraded = new ArrayList<>();
        entry.copies.forEach((node, copy) -> {
            if (copy.state().exclusive()) {
                downgraded.add(node);
            }
        });
        assert downgraded.size() <= 1 : "several exclusive holders of " + f.key() + ": " + downgraded;
        downgraded.forEach(node -> table.setCopy(entry, node, LineState.S, index));
        LineState state = entry.copies.isEmpty() ? LineState.E : LineState.S;
        table.setCopy(entry, f.node(), state, index);
        table.fillsTotal++;
        table.downgradesTotal += downgraded.size();
        changes.changed(index, f.key(), downgraded);
        return CacheResponses.filled(state, current, downgraded);
    }

    private ApplyResult evict(long index, Evict e) {
        DirectoryEntry entry = table.keys.get(e.key());
        boolean held = entry != null && table.dropCopy(entry, e.node());
        if (held) {
            table.evictionsTotal++;
            // Awaited from the evicting node itself, like an invalidation: its line cache may hold
            // the copy again (taken back from the directory before this applied, or replayed after a
            // restart), and a later write no longer lists it, so nothing on the key may be answered
            // until the node has applied this (or its lease is over).
            changes.changed(index, e.key(), List.of(e.node()));
        }
        return CacheResponses.evicted(held);
    }

    private ApplyResult dropNode(long index, DropNode d) {
        Set<String> held = table.heldBy.getOrDefault(d.node(), new TreeSet<>());
        int lines = 0;
        for (String key : List.copyOf(held)) {
            lines += table.dropCopy(table.keys.get(key), d.node()) ? 1 : 0;
            changes.changed(index, key, List.of());
        }
        changes.dropped(d.node());
        assert !table.heldBy.containsKey(d.node()) : "node " + d.node() + " still holds copies after drop";
        return CacheResponses.droppedNode(lines);
    }

    @Override
    public byte[] snapshot() {
        return CacheSnapshots.encode(table);
    }

    @Override
    public void restore(byte[] snapshot) {
        table = CacheSnapshots.decode(snapshot);
        changes = CacheChanges.afterRestore();
    }

    /**
     * What the applies since the last call changed, and forgets it: keys whose copies changed
     * (for each node's line cache) and the changes that other holders must see before the leader
     * lets anyone serve the result (for the leader's {@link InvalidationTracker}).
     */
    public CacheChanges takeChanges() {
        CacheChanges taken = changes;
        changes = new CacheChanges();
        return taken;
    }

    // ---- pure queries for the node side ----

    /** {@code node}'s copy of the key, if the directory lists one. */
    public Optional<Line> line(String key, String node) {
        DirectoryEntry entry = table.keys.get(key);
        return Optional.ofNullable(entry == null ? null : entry.lineOf(node));
    }

    /** {@code {"found":true,"key","val","version"}} or {@code {"found":false}}. */
    public JsonNode read(String key) {
        DirectoryEntry entry = table.keys.get(key);
        ObjectNode body = ApplyResult.object();
        body.put("found", entry != null);
        if (entry != null) {
            body.put("key", key);
            body.set("val", entry.value);
            body.put("version", entry.version);
        }
        return body;
    }

    /** {@code {"key","found","version" (0 if absent),"holders":{node: "M|E|S"}}}, holders by node id. */
    public JsonNode directory(String key) {
        DirectoryEntry entry = table.keys.get(key);
        ObjectNode body = ApplyResult.object();
        body.put("key", key);
        body.put("found", entry != null);
        body.put("version", entry == null ? 0 : entry.version);
        ObjectNode holders = body.putObject("holders");
        if (entry != null) {
            entry.copies.forEach((node, copy) -> holders.put(node, copy.state().name()));
        }
        return body;
    }

    /** The key's current version, 0 if it is absent. */
    public long version(String key) {
        DirectoryEntry entry = table.keys.get(key);
        return entry == null ? 0 : entry.version;
    }

    /** The nodes holding a copy of the key, sorted. */
    public Set<String> holdersOf(String key) {
        DirectoryEntry entry = table.keys.get(key);
        return entry == null ? Set.of() : Collections.unmodifiableSet(new TreeSet<>(entry.copies.keySet()));
    }

    /** The keys {@code node} holds, sorted: what a restarting node must drop or re-learn. */
    public List<String> keysHeldBy(String node) {
        return List.copyOf(table.heldBy.getOrDefault(node, new TreeSet<>()));
    }

    public int linesHeldBy(String node) {
        Set<String> held = table.heldBy.get(node);
        return held == null ? 0 : held.size();
    }

    /** Lines per node, for metrics. */
    public Map<String, Integer> linesByNode() {
        Map<String, Integer> lines = new TreeMap<>();
        table.heldBy.forEach((node, keys) -> lines.put(node, keys.size()));
        return lines;
    }

    public int keyCount() {
        return table.keys.size();
    }

    public long writesTotal() {
        return table.writesTotal;
    }

    public long invalidationsTotal() {
        return table.invalidationsTotal;
    }

    public long fillsTotal() {
        return table.fillsTotal;
    }

    public long staleFillsTotal() {
        return table.staleFillsTotal;
    }

    public long downgradesTotal() {
        return table.downgradesTotal;
    }

    public long evictionsTotal() {
        return table.evictionsTotal;
    }

    /** The highest version issued so far, on any key. */
    public long lastVersion() {
        return table.lastVersion;
    }

    /** The state machine's clock: the highest command time applied so far. */
    public long clockMs() {
        return table.clockMs;
    }

    CacheTable table() {
        return table;
    }
}
