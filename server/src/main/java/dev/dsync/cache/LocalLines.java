package dev.dsync.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.statemachine.ApplyResult;
import java.util.List;
import java.util.Map;

/**
 * This node's side of coherence, shared between the Raft loop (which syncs it after applies) and
 * request threads (which serve hits from it): the {@link LineCache}, the index it reflects, and the
 * current {@link ReadLease}. One lock guards all three, so a hit is judged against a consistent
 * view: the line it returns was in the node's applied directory at {@code syncedIndex}, and the
 * lease was valid at that instant, which is the read's linearization point.
 */
final class LocalLines {
    /** What a sync means for the caller: keys to tell the directory about, and whether to report at once. */
    record Synced(List<String> evicted, boolean ownLineAffected) {}

    private final String nodeId;
    private final LineCache lines;
    private long syncedIndex;
    private ReadLease lease = ReadLease.NONE;
    private long invalidations;
    private long evictions;

    LocalLines(String nodeId, int capacity) {
        this.nodeId = nodeId;
        this.lines = new LineCache(nodeId, capacity);
    }

    /** On the Raft loop, after applies up to {@code appliedIndex} that made {@code changes} to {@code sm}. */
    synchronized Synced sync(CacheStateMachine sm, CacheChanges changes, long appliedIndex) {
        LineCache.SyncResult result = lines.sync(sm, changes);
        syncedIndex = Math.max(syncedIndex, appliedIndex);
        invalidations += result.invalidated();
        evictions += result.evicted().size();
        boolean affected = changes.restored() || changes.droppedNodes().contains(nodeId)
                || changes.awaited().stream().anyMatch(c -> c.affected().contains(nodeId));
        return new Synced(result.evicted(), affected);
    }

    /** The line to serve as a hit at {@code nowMs}, or null: a miss. Counts as a use for LRU order only when served. */
    synchronized Line hit(String key, long nowMs) {
        Line line = lines.peek(key);
        if (!lease.allowsHit(nowMs, syncedIndex, line)) {
            return null;
        }
        return lines.use(key);
    }

    /** The line a hit would serve at {@code nowMs}, or null; unlike {@link #hit}, not a use. */
    synchronized Line servable(String key, long nowMs) {
        Line line = lines.peek(key);
        return lease.allowsHit(nowMs, syncedIndex, line) ? line : null;
    }

    synchronized boolean isEmpty() {
        return lines.size() == 0;
    }

    synchronized long syncedIndex() {
        return syncedIndex;
    }

    synchronized void accept(ReadLease granted) {
        lease = lease.newer(granted);
    }

    synchronized boolean leaseValid(long nowMs) {
        return lease.valid(nowMs);
    }

    synchronized Map<LineState, Integer> countByState() {
        return lines.countByState();
    }

    synchronized long invalidations() {
        return invalidations;
    }

    synchronized long evictions() {
        return evictions;
    }

    /** {@code GET /cache/state}: this node's line for the key, whether it would be served now, and the lease. */
    synchronized ObjectNode describe(String key, long nowMs) {
        ObjectNode body = ApplyResult.object();
        body.put("node", nodeId);
        body.put("key", key);
        Line line = lines.peek(key);
        body.put("state", line == null ? "I" : line.state().name());
        if (line != null) {
            body.set("val", line.value());
            body.put("version", line.version());
            body.put("since", line.since());
        }
        body.put("servable", lease.allowsHit(nowMs, syncedIndex, line));
        body.put("synced_index", syncedIndex);
        ObjectNode leaseBody = body.putObject("lease");
        leaseBody.put("valid", lease.valid(nowMs));
        leaseBody.put("remaining_ms", lease.valid(nowMs) ? lease.validUntilMs() - nowMs : 0);
        leaseBody.put("term", lease.term());
        leaseBody.put("read_index", lease == ReadLease.NONE ? 0 : lease.readIndex());
        leaseBody.put("watermark", Math.max(0, lease.watermark()));
        body.put("lines", lines.size());
        body.put("capacity", lines.capacity());
        return body;
    }
}
