package dev.dsync.lock;

import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.http.Route;
import dev.dsync.lease.LeaderCountdowns;
import dev.dsync.lease.LeaseClockBounds;
import dev.dsync.node.ServiceContext;
import dev.dsync.node.ServiceModule;
import dev.dsync.statemachine.StateMachine;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The lock service as a node hosts it: its endpoints ({@link LockEndpoints}: requests turned into
 * lock commands, acquires that wait), lease expiry proposed by the leader, and the lock metrics.
 */
public final class LockService implements ServiceModule {
    static final long DEFAULT_TTL_MS = 30_000;
    static final long MAX_TTL_MS = 24L * 3600 * 1000;
    static final long MAX_WAIT_MS = 300_000;

    private final LockStateMachine locks = new LockStateMachine();
    /** Leader-only, on the Raft loop thread: each lease's countdown on this node's monotonic clock. */
    private final LeaderCountdowns<String> countdowns = new LeaderCountdowns<>(LeaseClockBounds.DRIFT_PERMILLE);
    private final Counter acquires = Counter.builder().name("lock_acquire_total")
            .help("lock acquire requests answered, by mode and result").labelNames("mode", "result").build();
    private final Counter releases = Counter.builder().name("lock_release_total")
            .help("locks released or waits cancelled by clients").build();
    /** Bound to the node's context by {@link #routes}. */
    private LockEndpoints endpoints;
    // Written on the Raft loop after each apply, read by metric scrapes.
    private volatile int held;
    private volatile int waiters;
    private volatile long expired;
    private volatile long deadlocks;

    @Override
    public StateMachine stateMachine() {
        return locks;
    }

    @Override
    public List<Route> routes(ServiceContext context) {
        endpoints = new LockEndpoints(context, acquires, releases);
        return endpoints.routes(context);
    }

    @Override
    public CompletableFuture<ApiResponse> call(ApiRequest request) {
        return endpoints.call(request);
    }

    /**
     * Expires the clients whose lease has run out by this leader's own monotonic clock
     * ({@code nowMs}), counting from when this leader first saw each refresh. Wall clocks play no
     * part, so leaders whose clocks disagree by any amount never cut a lease short.
     */
    @Override
    public List<byte[]> leaderDuties(long nowMs) {
        List<String> ids = new ArrayList<>();
        List<Long> refreshes = new ArrayList<>();
        Set<String> live = new HashSet<>();
        for (LockStateMachine.LeaseView lease : locks.leases()) {
            live.add(lease.clientId());
            if (countdowns.runOut(lease.clientId(), lease.refreshIndex(), lease.ttlMs(), nowMs)) {
                ids.add(lease.clientId());
                refreshes.add(lease.refreshIndex());
            }
        }
        countdowns.retainOnly(live);
        return ids.isEmpty() ? List.of() : List.of(new LockCommand.ExpireUnrenewed(ids, refreshes).encode());
    }

    @Override
    public void afterApply(long appliedIndex) {
        locks.takeRecentGrants();
        held = locks.heldCount();
        waiters = locks.waiterCount();
        expired = locks.expiredTotal();
        deadlocks = locks.deadlocksTotal();
    }

    @Override
    public void registerMetrics(PrometheusRegistry registry) {
        registry.register(acquires);
        registry.register(releases);
        GaugeWithCallback.builder().name("lock_held").help("lock grants currently held")
                .callback(cb -> cb.call(held)).register(registry);
        GaugeWithCallback.builder().name("lock_waiters").help("acquire requests waiting in queues")
                .callback(cb -> cb.call(waiters)).register(registry);
        CounterWithCallback.builder().name("lock_deadlocks_total").help("acquires refused because they would deadlock")
                .callback(cb -> cb.call(deadlocks)).register(registry);
        CounterWithCallback.builder().name("lock_expired_total").help("clients whose lease expired, releasing their locks")
                .callback(cb -> cb.call(expired)).register(registry);
    }
}
