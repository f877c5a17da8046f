package dev.dsync.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.http.ApiException;
import dev.dsync.http.ApiResponse;
import dev.dsync.http.LeaderForwarder;
import dev.dsync.node.Replica;
import dev.dsync.statemachine.ApplyResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The node's background loop: renews its read lease every {@link LeaseTiming#renewEveryMs} (at once
 * when kicked, which is how it acknowledges an invalidation of its own lines quickly), and tells the
 * directory about lines it evicted. A renewal that fails just leaves the old lease to run out:
 * the node then answers gets as misses.
 */
final class LeaseRenewer {
    private static final System.Logger LOG = System.getLogger(LeaseRenewer.class.getName());
    private static final int EVICTS_PER_ROUND = 64;

    private final String nodeId;
    private final Replica replica;
    private final LeaderForwarder leaderCalls;
    private final CacheLeaderOps leaderOps;
    private final LocalLines lines;
    private final LeaseTiming timing;
    private final LinkedBlockingQueue<Boolean> kicks = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedQueue<String> evicted = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;
    private Thread thread;

    LeaseRenewer(String nodeId, Replica replica, LeaderForwarder leaderCalls, CacheLeaderOps leaderOps, LocalLines lines, LeaseTiming timing) {
        this.nodeId = nodeId;
        this.replica = replica;
        this.leaderCalls = leaderCalls;
        this.leaderOps = leaderOps;
        this.lines = lines;
        this.timing = timing;
    }

    void start() {
        thread = Thread.ofVirtual().name("cache-lease-" + nodeId).start(this::run);
    }

    void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Renew now rather than at the next period. */
    void kick() {
        kicks.offer(Boolean.TRUE);
    }

    void evicted(List<String> keys) {
        evicted.addAll(keys);
        kick();
    }

    private void run() {
        while (running) {
            try {
                kicks.poll(timing.renewEveryMs(), TimeUnit.MILLISECONDS);
                kicks.clear();
                renew();
                tellEvictions();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "lease renewal round failed", e);
            }
        }
    }

    private void renew() throws InterruptedException {
        long sentAtMs = MonotonicClock.nowMs();
        long applied = lines.syncedIndex();
        try {
            LeaseDesk.Grant grant;
            if (replica.isLeader()) {
                grant = leaderOps.grantLease(nodeId, applied);
            } else {
                ObjectNode request = ApplyResult.object().put("node", nodeId).put("applied", applied);
                ApiResponse answer = leaderCalls.post(replica.leaderId(), CacheEndpoints.PEER_LEASE, request, Duration.ofMillis(timing.leaseMs()));
                if (answer.status() != 200) {
                    return;
                }
                JsonNode body = answer.body();
                grant = new LeaseDesk.Grant(body.path("term").asLong(), body.path("read_index").asLong(), body.path("watermark").asLong());
            }
            lines.accept(ReadLease.granted(grant.term(), sentAtMs, timing, grant.readIndex(), grant.watermark()));
        } catch (ApiException e) {
            // No leader, not reachable, or not granting now: the old lease runs out on its own.
        }
    }

    private void tellEvictions() throws InterruptedException {
        List<String> batch = new ArrayList<>();
        for (String key; batch.size() < EVICTS_PER_ROUND && (key = evicted.poll()) != null; ) {
            batch.add(key);
        }
        for (String key : batch) {
            CacheCommand evict = new CacheCommand.Evict(key, nodeId);
            try {
                if (replica.isLeader()) {
                    replica.submit(null, null, evict.encode());
                } else {
                    leaderCalls.post(replica.leaderId(), CacheEndpoints.PEER_WRITE, CacheEndpoints.writeRequest(evict, null, null),
                            Duration.ofMillis(timing.leaseMs()));
                }
            } catch (ApiException e) {
                // The directory keeps listing the copy: writers wait for this node's reports (it
                // still sends them), which is slower but safe. A later sync may evict it again.
            }
        }
    }
}
