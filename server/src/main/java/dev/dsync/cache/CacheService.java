package dev.dsync.cache;

import dev.dsync.http.Route;
import dev.dsync.node.NodeStatus;
import dev.dsync.node.ServiceContext;
import dev.dsync.node.ServiceModule;
import dev.dsync.statemachine.StateMachine;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;

/**
 * The cache service as a node hosts it: the replicated directory, this node's line cache and read
 * lease, the leader's invalidation bookkeeping, the lease loop, endpoints and metrics. See
 * docs/cache.md for the protocol and why a hit from any node is linearizable.
 */
public final class CacheService implements ServiceModule {
    private final String nodeId;
    private final LeaseTiming timing;
    private final CacheStateMachine cache = new CacheStateMachine();
    private final LocalLines lines;
    private final LeaseDesk desk;
    private LeaseRenewer renewer;
    private final Counter hits;
    private final Counter misses;
    // Written on the Raft loop, read by metric scrapes.
    private volatile int pendingInvalidations;
    private volatile long grants;

    public CacheService(String nodeId, int capacity, LeaseTiming timing) {
        this.nodeId = nodeId;
        this.timing = timing;
        this.lines = new LocalLines(nodeId, capacity);
        this.desk = new LeaseDesk(nodeId, timing);
        this.hits = Counter.builder().name("cache_hits_total").help("gets served from this node's own line, with no network").build();
        this.misses = Counter.builder().name("cache_misses_total").help("gets read through the leader").build();
    }

    @Override
    public StateMachine stateMachine() {
        return cache;
    }

    @Override
    public List<Route> routes(ServiceContext context) {
        CacheLeaderOps leaderOps = new CacheLeaderOps(context.replica(), context.waiter(), desk, timing);
        renewer = new LeaseRenewer(nodeId, context.replica(), context.leaderCalls(), leaderOps, lines, timing);
        return new CacheEndpoints(nodeId, context.replica(), context.waiter(), context.leaderCalls(), leaderOps, lines, renewer::kick,
                hits, misses).routes();
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
        desk.afterApply(changes, appliedIndex, MonotonicClock.nowMs());
        if (!synced.evicted().isEmpty()) {
            renewer.evicted(synced.evicted());
        }
        if (synced.ownLineAffected()) {
            renewer.kick(); // the leader learns from the renewal that this node no longer serves the old copy
        }
        publishGauges();
    }

    @Override
    public void onStatus(NodeStatus status) {
        desk.onStatus(status, MonotonicClock.nowMs());
        publishGauges();
    }

    @Override
    public List<byte[]> leaderDuties(long wallClockMs) {
        byte[] drop = desk.duty(cache, MonotonicClock.nowMs());
        publishGauges();
        return drop == null ? List.of() : List.of(drop);
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
                .callback(cb -> cb.call(lines.leaseValid(MonotonicClock.nowMs()) ? 1 : 0)).register(registry);
        GaugeWithCallback.builder().name("cache_pending_invalidations")
                .help("on the leader: changes still waiting for other holders to drop or downgrade their copies")
                .callback(cb -> cb.call(pendingInvalidations)).register(registry);
        CounterWithCallback.builder().name("cache_lease_grants_total").help("on the leader: read leases granted in its current term")
                .callback(cb -> cb.call(grants)).register(registry);
    }
}
