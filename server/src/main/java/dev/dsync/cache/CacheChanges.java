package dev.dsync.cache;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a run of applies changed in the directory, for the two consumers outside the replicated
 * state: a node's {@link LineCache} (which keys to look at again) and the leader's
 * {@link InvalidationTracker} (which changes other holders must apply before anyone serves them).
 * Deterministic: filled by {@link CacheStateMachine} in log order.
 */
public final class CacheChanges {
    /**
     * A change at log index {@code index} to {@code key} that removed, replaced or downgraded the
     * copies of {@code affected}: a write's invalidations (and the writer's own older copy, if it
     * held one), a fill's downgrades, an evict's removal (the evicting node itself). Dropped nodes
     * are not listed: the leader grants a node no lease while its drop is in flight.
     */
    public record Change(long index, String key, List<String> affected) {
        public Change {
            affected = List.copyOf(affected);
        }
    }

    private final boolean restored;
    private final Set<String> keys = new LinkedHashSet<>();
    private final List<Change> awaited = new ArrayList<>();
    private final Set<String> droppedNodes = new LinkedHashSet<>();

    CacheChanges() {
        this(false);
    }

    private CacheChanges(boolean restored) {
        this.restored = restored;
    }

    static CacheChanges afterRestore() {
        return new CacheChanges(true);
    }

    void changed(long index, String key, List<String> affected) {
        keys.add(key);
        if (!affected.isEmpty()) {
            awaited.add(new Change(index, key, affected));
        }
    }

    void dropped(String node) {
        droppedNodes.add(node);
    }

    /** The state was replaced by a snapshot: every line must be looked at again, and nothing below says what changed. */
    public boolean restored() {
        return restored;
    }

    /** Keys whose copies changed, in the order first changed. */
    public Set<String> keys() {
        return Collections.unmodifiableSet(keys);
    }

    /** The changes other holders must apply before the result may be served, in log order. */
    public List<Change> awaited() {
        return Collections.unmodifiableList(awaited);
    }

    /** Nodes whose copies a drop-node command removed. */
    public Set<String> droppedNodes() {
        return Collections.unmodifiableSet(droppedNodes);
    }

    public boolean isEmpty() {
        return !restored && keys.isEmpty() && droppedNodes.isEmpty();
    }
}
