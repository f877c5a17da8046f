package dev.dsync.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.http.ApiException;
import dev.dsync.http.ApiResponse;
import dev.dsync.http.LeaderCalls;
import dev.dsync.node.Futures;
import dev.dsync.node.NodeClock;
import dev.dsync.node.Replica;
import dev.dsync.node.Timers;
import dev.dsync.statemachine.ApplyResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The node's lease loop: renews its read lease every {@link LeaseTiming#renewEveryMs} (at once
 * when kicked, which is how it acknowledges an invalidation of its own lines quickly), and tells the
 * directory about lines it evicted. A renewal that fails just leaves the old lease to run out:
 * the node then answers gets as misses.
 *
 * <p>One round at a time: a round is a renewal and then the evictions, each a future; a kick that
 * comes while a round runs starts another as soon as it ends. The period counts from the end of the
 * last round, not from a fixed beat: when rounds are slow (a loaded machine, a just-started leader)
 * a fixed beat would run them back to back, each one more ReadIndex round for the leader to serve
 * (measured: renewals timing out for up to 4 s in a row after a cold start). The rounds run on the
 * node's {@link Timers} and on whatever thread finished the previous step, so the little state here
 * is guarded by this object's lock.
 *
 * <p>A node that holds no line and has no eviction to report has nothing a lease would let it serve,
 * so it stops renewing (dormant) until its first line is installed: an idle cache cluster then sends
 * no renewals and runs no ReadIndex rounds. Dormancy is safe because a lease only ever permits
 * serving lines the node holds; the leader's invalidation bookkeeping only waits for holders.
 */
final class LeaseRenewer {
    private static final System.Logger LOG = System.getLogger(LeaseRenewer.class.getName());
    private static final int EVICTS_PER_ROUND = 64;

    private final String nodeId;
    private final Replica replica;
    private final LeaderCalls leaderCalls;
    private final CacheLeaderOps leaderOps;
    private final LocalLines lines;
    private final LeaseTiming timing;
    private final NodeClock clock;
    private final Timers timers;
    private final ArrayDeque<String> evicted = new ArrayDeque<>();
    private boolean running;
    private boolean inRound;
    private boolean again;
    /** No round and no period timer pending: woken by {@link #linesChanged} or {@link #kick}. */
    private boolean dormant;
    /** Rounds started so far: a period timer starts a round only if none started since it was set. */
    private long roundsStarted;

    LeaseRenewer(String nodeId, Replica replica, LeaderCalls leaderCalls, CacheLeaderOps leaderOps, LocalLines lines, LeaseTiming timing,
                 NodeClock clock, Timers timers) {
        this.nodeId = nodeId;
        this.replica = replica;
        this.leaderCalls = leaderCalls;
        this.leaderOps = leaderOps;
        this.lines = lines;
        this.timing = timing;
        this.clock = clock;
        this.timers = timers;
    }

    synchronized void start() {
        running = true;
        schedulePeriod();
    }

    synchronized void close() {
        running = false;
    }

    /** The next periodic round, one period from now, unless another round starts first (whose end sets a new one). */
    private synchronized void schedulePeriod() {
        long seen = roundsStarted;
        timers.after(timing.renewEveryMs(), () -> {
            synchronized (this) {
                if (roundsStarted != seen) {
                    return;
                }
                if (lines.isEmpty() && evicted.isEmpty()) {
                    dormant = true;
                    return;
                }
            }
            startRound();
        });
    }

    /**
     * After applies changed this node's lines: a dormant node that now holds a line needs a lease at
     * once to serve it (a copy installed by a miss should serve the next get as a hit).
     */
    void linesChanged() {
        synchronized (this) {
            if (!dormant || lines.isEmpty()) {
                return;
            }
        }
        kick();
    }

    /**
     * Renew now rather than at the next period. The round starts on a timer, not on the caller's
     * thread: callers include the Raft loop, in the middle of an apply.
     */
    void kick() {
        timers.after(0, this::startRound);
    }

    private void startRound() {
        synchronized (this) {
            if (!running) {
                return;
            }
            if (inRound) {
                again = true;
                return;
            }
            inRound = true;
            dormant = false;
            roundsStarted++;
        }
        round();
    }

    void evicted(List<String> keys) {
        synchronized (this) {
            evicted.addAll(keys);
        }
        kick();
    }

    private void round() {
        CompletableFuture<Void> done;
        try {
            done = renew().thenCompose(renewed -> tellEvictions());
        } catch (RuntimeException e) {
            done = CompletableFuture.failedFuture(e);
        }
        done.whenComplete((ok, error) -> {
            if (error != null) {
                LOG.log(System.Logger.Level.WARNING, "lease renewal round failed", error);
            }
            synchronized (this) {
                if (!again || !running) {
                    inRound = false;
                    if (running) {
                        schedulePeriod();
                    }
                    return;
                }
                again = false;
                roundsStarted++;
            }
            round();
        });
    }

    private CompletableFuture<Void> renew() {
        long sentAtMs = clock.monotonicMs();
        long applied = lines.syncedIndex();
        CompletableFuture<LeaseDesk.Grant> grant;
        if (replica.isLeader()) {
            grant = leaderOps.grantLease(nodeId, applied);
        } else {
            ObjectNode request = ApplyResult.object().put("node", nodeId).put("applied", applied);
            grant = leaderCalls.post(replica.leaderId(), CacheEndpoints.PEER_LEASE, request, timing.leaseMs()).thenApply(LeaseRenewer::grantOf);
        }
        return grant.handle((granted, error) -> {
            if (error != null) {
                Futures.apiError(error); // No leader, not reachable, or not granting now: the old lease runs out on its own.
            } else if (granted != null) {
                lines.accept(ReadLease.granted(granted.term(), sentAtMs, timing, granted.readIndex(), granted.watermark()));
            }
            return null;
        });
    }

    /** The grant in the leader's answer, or null if it refused. */
    private static LeaseDesk.Grant grantOf(ApiResponse answer) {
        if (answer.status() != 200) {
            return null;
        }
        JsonNode body = answer.body();
        return new LeaseDesk.Grant(body.path("term").asLong(), body.path("read_index").asLong(), body.path("watermark").asLong());
    }

    private CompletableFuture<Void> tellEvictions() {
        List<String> batch = new ArrayList<>();
        synchronized (this) {
            for (String key; batch.size() < EVICTS_PER_ROUND && (key = evicted.poll()) != null; ) {
                batch.add(key);
            }
        }
        CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
        for (String key : batch) {
            all = all.thenCompose(previous -> tellEviction(key));
        }
        return all;
    }

    private CompletableFuture<Void> tellEviction(String key) {
        CacheCommand evict = new CacheCommand.Evict(key, nodeId);
        if (replica.isLeader()) {
            replica.submit(null, null, evict.encode()); // not awaited: a lost evict is as harmless as a failed one
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<?> told = leaderCalls.post(replica.leaderId(), CacheEndpoints.PEER_WRITE, CacheEndpoints.writeRequest(evict, null, null), timing.leaseMs());
        return told.handle((answer, error) -> {
            if (error != null) {
                // The directory keeps listing the copy: writers wait for this node's reports (it
                // still sends them), which is slower but safe. A later sync may evict it again.
                Futures.apiError(error);
            }
            return null;
        });
    }
}
