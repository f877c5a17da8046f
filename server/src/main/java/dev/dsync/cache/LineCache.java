package dev.dsync.cache;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node's bounded cache of lines, least recently used first. Its lines mirror the copies that
 * this node's applied directory lists for it, so a line here is never staler than the node's
 * applied state: {@link #sync} brings it in step after every batch of applies. Whether a line may
 * be served is the {@link ReadLease}'s decision. Pure, not thread-safe: the owner serializes access.
 *
 * <p>When full, installing a line evicts the least recently used one at once (it is no longer
 * served); the caller tells the directory with an evict command, so writers stop waiting for it.
 */
public final class LineCache {
    /**
     * What a sync did: keys evicted for room (not those installed again later in the same sync),
     * and lines dropped because the directory removed them.
     */
    public record SyncResult(List<String> evicted, int invalidated) {}

    private final String nodeId;
    private final int capacity;
    /** In recency order, least recent first: a use moves the line to the end. */
    private final LinkedHashMap<String, Line> lines = new LinkedHashMap<>();

    public LineCache(String nodeId, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("cache capacity must be at least 1: " + capacity);
        }
        this.nodeId = nodeId;
        this.capacity = capacity;
    }

    /** Brings the lines of the changed keys (all lines after a restore) in step with {@code sm}. */
    public SyncResult sync(CacheStateMachine sm, CacheChanges changes) {
        List<String> evicted = new ArrayList<>();
        int invalidated = 0;
        if (changes.restored()) {
            int before = lines.size();
            lines.clear();
            for (String key : sm.keysHeldBy(nodeId)) {
                install(key, sm.line(key, nodeId).orElseThrow(), evicted);
            }
            return new SyncResult(evicted, Math.max(0, before - lines.size()));
        }
        for (String key : changes.keys()) {
            var line = sm.line(key, nodeId);
            if (line.isPresent()) {
                install(key, line.get(), evicted);
            } else if (lines.remove(key) != null) {
                invalidated++;
            }
        }
        return new SyncResult(evicted, invalidated);
    }

    private void install(String key, Line line, List<String> evicted) {
        lines.remove(key);
        lines.put(key, line);
        evicted.remove(key); // evicted earlier in this sync and back now: not evicted after all
        if (lines.size() > capacity) {
            Iterator<String> eldest = lines.keySet().iterator();
            evicted.add(eldest.next());
            eldest.remove();
        }
        assert lines.size() <= capacity : "line cache over capacity";
    }

    /** The line, counted as a use for LRU order; null if this node holds none. */
    public Line use(String key) {
        Line line = lines.remove(key);
        if (line != null) {
            lines.put(key, line);
        }
        return line;
    }

    /** The line without touching LRU order; null if this node holds none. */
    public Line peek(String key) {
        return lines.get(key);
    }

    public int size() {
        return lines.size();
    }

    public int capacity() {
        return capacity;
    }

    public Map<LineState, Integer> countByState() {
        Map<LineState, Integer> counts = new EnumMap<>(LineState.class);
        for (LineState state : LineState.values()) {
            counts.put(state, 0);
        }
        lines.values().forEach(line -> counts.merge(line.state(), 1, Integer::sum));
        return counts;
    }

    /** Every line, least recently used first; for checks and the simulation. */
    public Map<String, Line> lines() {
        return new LinkedHashMap<>(lines);
    }
}
