package dev.dsync.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.http.ApiException;
import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.http.Route;
import dev.dsync.node.NodeClock;
import dev.dsync.node.NodeStatus;
import dev.dsync.node.Replica;
import dev.dsync.node.ServiceContext;
import dev.dsync.node.ServiceModule;
import dev.dsync.statemachine.StateMachine;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The cache service as a node hosts it: the replicated directory, this node's line cache and read
 * lease, the leader's invalidation bookkeeping, the lease loop, endpoints and metrics. See
 * docs/cache.md for the protocol and why a hit from any node is linearizable.
 */
public final class CacheService implements ServiceModule {
    /** How long after a holder's lease ended a node's leader forgets its copies (see {@link LeaseDesk}). */
    public static final long DROP_AFTER_MS = 5_000;

    private final String nodeId;
    private final LeaseTiming timing;
    private final NodeClock clock;
    private CacheEndpoints endpoints;
    private final CacheStateMachine cache = new CacheStateMachine();
    private final LocalLines lines;
    private final LeaseDesk desk;
    private LeaseRenewer renewer;
    private Replica replica;
    private final Counter hits;
    private final Counter misses;
    // Written on the Raft loop, read by metric scrapes.
    private volatile int pendingInvalidations;
    private volatile long grants;

    /**
     * @param dropAfterMs how long after a holder's lease ended the leader forgets its copies with a
     *     drop-node command ({@link #DROP_AFTER_MS} on a node)
     * @param clock this node's clock, the same its {@link ServiceContext} carries
     */
    public CacheService(String nodeId, int capacity, LeaseTiming timing, long dropAfterMs, NodeClock clock) {
        this.nodeId = nodeId;
        this.timing = timing;
        this.clock = clock;
        this.lines = new LocalLines(nodeId, capacity);
        this.desk = new LeaseDesk(nodeId, timing, dropAfterMs);
        this.hits = Counter.builder().name("cache_hits_total").help("gets served from this node's own line, with no network").build();
        this.misses = Counter.builder().name("cache_misses_total").help("gets read through the leader").build();
    }

    @Override
    public StateMachine stateMachine() {
        return cache;
    }

    @Override
    public List<Route> routes(ServiceContext context) {
        replica = context.replica();
        CacheLeaderOps leaderOps = new CacheLeaderOps(context.replica(), desk, timing, clock, context.timers(), context.waiter().timeoutMs());
        renewer = new LeaseRenewer(nodeId, context.replica(), context.leaderCalls(), leaderOps, lines, timing, clock, context.timers());
        endpoints = new CacheEndpoints(nodeId, context, leaderOps, lines, renewer::kick, hits, misses);
        return endpoints.routes();
    }

    @Override
    public void start() {
        renewer.start();
    }

    @Override
    public void close() {
        renewer.close();
    }

    @Override
    public void afterApply(long appliedIndex) {
        CacheChanges changes = cache.takeChanges();
        LocalLines.Synced synced = lines.sync(cache, changes, appliedIndex);
        desk.afterApply(changes, appliedIndex, clock.monotonicMs());
        if (!changes.awaited().isEmpty() && desk.term() >= 0 && replica != null) {
            // The leader waits for these holders to report that they applied the changes: tell them the
            // commit now, or a holder whose acknowledgement came after it learns it only from the next
            // heartbeat (a put at a follower, waiting for its own older copy's report: p90 100 ms).
            Set<String> holders = new LinkedHashSet<>();
            changes.awaited().forEach(change -> holders.addAll(change.affected()));
            holders.remove(nodeId);
            holders.forEach(replica::shareCommitWith);
        }
        if (!synced.evicted().isEmpty()) {
            renewer.evicted(synced.evicted());
        }
        if (synced.ownLineAffected()) {
            renewer.kick(); // the leader learns from the renewal that this node no longer serves the old copy
        } else {
            renewer.linesChanged();
        }
        publishGauges();
    }

    @Override
    public void onStatus(NodeStatus status) {
        desk.onStatus(status, clock.monotonicMs());
        publishGauges();
    }

    @Override
    public List<byte[]> leaderDuties(long wallClockMs) {
        byte[] drop = desk.duty(cache, clock.monotonicMs());
        publishGauges();
        return drop == null ? List.of() : List.of(drop);
    }

    /**
     * A client or peer request to one of the cache's POST endpoints (get, put, cas, del, and the
     * peer lease, read and write), handled exactly as its HTTP route does but not waited for: the
     * simulation's clients and network call this. Fails at once with an {@link ApiException} for
     * bad input; the future fails with one for an error answer.
     */
    @Override
    public CompletableFuture<ApiResponse> call(ApiRequest request) {
        return endpoints.call(request);
    }

    /** This node's line of {@code key} if it may serve it as a hit now, else null. */
    public Line servable(String key) {
        return lines.servable(key, clock.monotonicMs());
    }

    /** {@code GET /cache/state} of {@code key}: this node's line, lease and sync point. */
    public ObjectNode describe(String key) {
        return lines.describe(key, clock.monotonicMs());
    }

    /** On the Raft loop: changes the leader still waits for other holders to apply (0 unless leading). */
    public int pendingInvalidations() {
        return desk.pendingCount();
    }

    /** On the Raft loop: answers the leader holds back until their key settles. */
    public int answersWaiting() {
        return desk.waitingCount();
    }

    /** Counts since this service started: hits, misses, evictions, invalidations, lease grants (as the metrics say). */
    public Map<String, Long> counts() {
        return Map.of("hits", (long) hits.get(), "misses", (long) misses.get(), "evictions", lines.evictions(),
                "invalidations", lines.invalidations(), "leaseGrants", desk.grantsTotal());
    }

    private void publishGauges() {
        pendingInvalidations = desk.pendingCount();
        grants = desk.grantsTotal();
    }

    @Override
    public void registerMetrics(PrometheusRegistry registry) {
        registry.register(hits);
        registry.register(misses);
        CounterWithCallback.builder().name("cache_invalidations_total")
                .help("lines this node lost because another node's write or a drop removed its copy")
                .callback(cb -> cb.call(lines.invalidations())).register(registry);
        CounterWithCallback.builder().name("cache_evictions_total").help("lines this node evicted to stay within its capacity")
                .callback(cb -> cb.call(lines.evictions())).register(registry);
        GaugeWithCallback.builder().name("cache_lines").help("lines this node holds, by MESI state").labelNames("state")
                .callback(cb -> lines.countByState().forEach((state, n) -> cb.call(n, state.name()))).register(registry);
        GaugeWithCallback.builder().name("cache_lease_valid").help("1 while this node's read lease lets it serve hits")
                .callback(cb -> cb.call(lines.leaseValid(clock.monotonicMs()) ? 1 : 0)).register(registry);
        GaugeWithCallback.builder().name("cache_pending_invalidations")
                .help("on the leader: changes still waiting for other holders to drop or downgrade their copies")
                .callback(cb -> cb.call(pendingInvalidations)).register(registry);
        CounterWithCallback.builder().name("cache_lease_grants_total").help("on the leader: read leases granted in its current term")
                .callback(cb -> cb.call(grants)).register(registry);
    }
}
