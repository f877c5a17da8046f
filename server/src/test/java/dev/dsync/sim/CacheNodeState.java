package dev.dsync.sim;

import dev.dsync.cache.InvalidationTracker;
import dev.dsync.cache.LeaseTiming;
import dev.dsync.cache.LineCache;
import dev.dsync.cache.ReadLease;
import dev.dsync.sim.CacheMessages.LeaseRequest;
import dev.dsync.sim.CacheMessages.ReadRequest;
import dev.dsync.sim.CacheMessages.WriteRequest;
import dev.dsync.statemachine.ApplyResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one cache node keeps in memory for one lifetime (lost on a crash, rebuilt empty on
 * restart), as the node shell does: its line cache, read lease and synced index; the client
 * operations it is working on; and, while it leads, the leader's side: the
 * {@link InvalidationTracker} and the requests that wait for a ReadIndex round, a commit, or for
 * their key to be settled.
 */
final class CacheNodeState {
    /** A lease request waiting for its ReadIndex round, from a leadership of {@code term}. */
    record PendingLease(LeaseRequest request, long term) {}

    /** A miss waiting for its ReadIndex round. */
    record PendingRead(ReadRequest request, long term) {}

    /** A write proposed at some index in {@code term}, waiting to be applied. */
    record PendingWrite(WriteRequest request, long term) {}

    /**
     * An answer about {@code key} that may be given only once the key is settled: a read (then
     * {@code write} is null) or an applied write with its {@code result}.
     */
    record Settling(String key, ReadRequest read, WriteRequest write, ApplyResult result) {}

    /** A client write the leader acknowledged, waiting until this node has applied {@code version}. */
    record SyncWait(CacheClients.Op op, long version) {}

    final int incarnation;
    final LineCache lines;
    final InvalidationTracker tracker;
    ReadLease lease = ReadLease.NONE;
    /** The applied index the line cache reflects. */
    long syncedIndex;

    // ---- node side ----
    /** Client operations passed to the leader, by operation id. */
    final Map<Long, CacheClients.Op> awaitingLeader = new LinkedHashMap<>();
    final List<SyncWait> awaitingSync = new ArrayList<>();

    // ---- leader side, while {@link #leaderTerm} is not 0 ----
    /** The term this node leads as far as the cache side knows; 0 if it does not lead. */
    long leaderTerm;
    final Map<Long, PendingLease> leaseReads = new LinkedHashMap<>();
    final Map<Long, PendingRead> missReads = new LinkedHashMap<>();
    /** By log index. Kept after leadership is lost: the entry's fate still decides the answer. */
    final Map<Long, PendingWrite> writes = new LinkedHashMap<>();
    final List<Settling> settling = new ArrayList<>();
    /** The node whose drop-node duty proposal is (or was last) in flight. */
    String dropTarget;

    CacheNodeState(SimNode n, int capacity, LeaseTiming timing) {
        this.incarnation = n.incarnation;
        this.lines = new LineCache(n.id, capacity);
        this.tracker = new InvalidationTracker(n.id, timing);
    }
}
