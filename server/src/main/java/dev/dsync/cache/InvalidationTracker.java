package dev.dsync.cache;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The leader's account of which directory changes other holders may not have seen yet, and of the
 * read leases it granted. Pure: time comes in as the leader's monotonic milliseconds.
 *
 * <p>A change that removed, replaced or downgraded a node's copy (a write's invalidation or the
 * writer's own older copy, a fill's downgrade, the node's own evict) is <em>pending</em> until each
 * such node has reported an applied index at or past it, or its lease is surely over. Until then
 * nothing that depends on the change is answered: the write is not acknowledged, reads of the key
 * through the leader wait, and the {@link #watermark} handed
 * out with leases stays below it, so no node serves a line that the change produced. Together with
 * the lease's read index this keeps every hit linearizable:
 * a copy that another node might still serve never coexists with an answer that revealed a newer one.
 *
 * <p>A new leader knows nothing of the leases its predecessors granted, so for one lease bound after
 * it takes office every holder counts as possibly leased and the watermark stays at 0.
 */
public final class InvalidationTracker {
    private record Pending(String key, Set<String> nodes) {}

    private final String self;
    private final LeaseTiming timing;
    private boolean leading;
    private long epochEndsMs;
    private long appliedIndex;
    private final TreeMap<Long, Pending> pending = new TreeMap<>();
    private final Map<String, TreeSet<Long>> pendingByKey = new HashMap<>();
    private final Map<String, Long> reportedApplied = new HashMap<>();
    private final Map<String, Long> leaseEndsMs = new HashMap<>();

    public InvalidationTracker(String self, LeaseTiming timing) {
        this.self = self;
        this.timing = timing;
    }

    /** This node just became leader, having applied up to {@code appliedIndex}; forget any earlier term. */
    public void lead(long nowMs, long appliedIndex) {
        stop();
        leading = true;
        epochEndsMs = nowMs + timing.leaderBoundMs();
        this.appliedIndex = appliedIndex;
    }

    /** Leadership is lost: nothing here is trustworthy any more. */
    public void stop() {
        leading = false;
        pending.clear();
        pendingByKey.clear();
        reportedApplied.clear();
        leaseEndsMs.clear();
    }

    public boolean leading() {
        return leading;
    }

    /** The leader applied up to {@code index}; {@code changes} are those applies' directory changes. */
    public void onApplied(CacheChanges changes, long index) {
        if (!leading) {
            return;
        }
        appliedIndex = Math.max(appliedIndex, index);
        for (CacheChanges.Change change : changes.awaited()) {
            Set<String> nodes = new LinkedHashSet<>(change.affected());
            nodes.remove(self); // the leader's own line cache is synced before anything is answered
            if (!nodes.isEmpty()) {
                pending.put(change.index(), new Pending(change.key(), nodes));
                pendingByKey.computeIfAbsent(change.key(), k -> new TreeSet<>()).add(change.index());
            }
        }
    }

    /** {@code node}'s line cache reflected its applied index {@code index} when it sent its report. */
    public void onReport(String node, long index) {
        reportedApplied.merge(node, index, Math::max);
    }

    /** A lease was just granted to {@code node}. */
    public void onGrant(String node, long nowMs) {
        leaseEndsMs.merge(node, nowMs + timing.leaderBoundMs(), Math::max);
    }

    /** When {@code node}'s lease is surely over, as far as this leader can tell. */
    public long leaseEndsAt(String node) {
        return Math.max(epochEndsMs, leaseEndsMs.getOrDefault(node, Long.MIN_VALUE));
    }

    /** Drops every pending node that has caught up or whose lease is over, and every change left with none. */
    public void settle(long nowMs) {
        var changes = pending.entrySet().iterator();
        while (changes.hasNext()) {
            var change = changes.next();
            // Read the entry before removing it: TreeMap reuses a removed entry object for its successor.
            long index = change.getKey();
            Pending waiting = change.getValue();
            waiting.nodes().removeIf(n -> reportedApplied.getOrDefault(n, 0L) >= index || nowMs >= leaseEndsAt(n));
            if (waiting.nodes().isEmpty()) {
                changes.remove();
                TreeSet<Long> ofKey = pendingByKey.get(waiting.key());
                ofKey.remove(index);
                if (ofKey.isEmpty()) {
                    pendingByKey.remove(waiting.key());
                }
            }
        }
        assert indexMatchesPending() : "per-key index of pending changes out of step: " + pendingByKey + " vs " + pending.keySet();
    }

    private boolean indexMatchesPending() {
        return pendingByKey.values().stream().mapToInt(TreeSet::size).sum() == pending.size();
    }

    /** Every change up to this index has reached the holders it affected; 0 while the new term's wait lasts. */
    public long watermark(long nowMs) {
        if (!leading || nowMs < epochEndsMs) {
            return 0;
        }
        return pending.isEmpty() ? appliedIndex : Math.min(appliedIndex, pending.firstKey() - 1);
    }

    /** Whether an answer about {@code key} that reflects the leader's state up to {@code upToIndex} may be given. */
    public boolean settled(String key, long upToIndex, long nowMs) {
        if (!leading || nowMs < epochEndsMs) {
            return false;
        }
        TreeSet<Long> ofKey = pendingByKey.get(key);
        return ofKey == null || ofKey.first() > upToIndex;
    }

    /** The highest index this leader has applied, as last told. */
    public long appliedIndex() {
        return appliedIndex;
    }

    /** Nodes other than this one, among {@code holders}, whose lease ended at least {@code graceMs} ago. */
    public List<String> lapsed(Set<String> holders, long nowMs, long graceMs) {
        List<String> lapsed = new ArrayList<>();
        for (String node : holders) {
            if (!node.equals(self) && nowMs >= leaseEndsAt(node) + graceMs) {
                lapsed.add(node);
            }
        }
        return lapsed;
    }

    /** Changes still waiting, for metrics and tests. */
    public int pendingCount() {
        return pending.size();
    }
}
