package dev.dsync.lock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.http.ApiException;
import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.http.Route;
import dev.dsync.http.Router;
import dev.dsync.lease.LeaderCountdowns;
import dev.dsync.lease.LeaseClockBounds;
import dev.dsync.node.NodeClock;
import dev.dsync.node.Replica;
import dev.dsync.node.RequestWaiter;
import dev.dsync.node.ServiceContext;
import dev.dsync.node.ServiceModule;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.statemachine.StateMachine;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Optional;

/**
 * The lock service as a node hosts it: HTTP endpoints that turn requests into lock commands,
 * blocking acquires, lease expiry proposed by the leader, and the lock metrics.
 */
public final class LockService implements ServiceModule {
    static final long DEFAULT_TTL_MS = 30_000;
    static final long MAX_TTL_MS = 24L * 3600 * 1000;
    static final long MAX_WAIT_MS = 300_000;

    private final LockStateMachine locks = new LockStateMachine();
    /** Leader-only, on the Raft loop thread: each lease's countdown on this node's monotonic clock. */
    private final LeaderCountdowns<String> countdowns = new LeaderCountdowns<>(LeaseClockBounds.DRIFT_PERMILLE);
    private Counter acquires;
    private Counter releases;
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
        Replica replica = context.replica();
        RequestWaiter waiter = context.waiter();
        NodeClock clock = context.clock();
        return List.of(
                Route.leader("POST", "/lock/acquire", request -> acquire(request, replica, waiter, clock)),
                Route.leader("POST", "/lock/release", request -> release(request, replica, waiter)),
                Route.leader("POST", "/lock/renew", request -> {
                    LockCommand renew = new LockCommand.Renew(request.requiredString("client_id"));
                    return waiter.respond(replica.submit(request.requiredString("client_id"), request.optionalString("request_id"), renew.encode()));
                }),
                Route.leader("GET", "/lock/status", request -> {
                    String key = request.queryParam("key");
                    waiter.await(replica.linearizableRead(), waiter.timeoutMs());
                    JsonNode status = waiter.await(replica.query(sm -> ((LockStateMachine) sm).status(key)), waiter.timeoutMs()).value();
                    return ApiResponse.ok(status);
                }));
    }

    private ApiResponse acquire(ApiRequest request, Replica replica, RequestWaiter waiter, NodeClock clock) throws InterruptedException {
        String key = request.requiredString("key");
        LockMode mode = request.requiredEnum("mode", LockMode.class);
        String clientId = request.requiredString("client_id");
        long ttlMs = request.optionalLong("ttl_ms", DEFAULT_TTL_MS, 1, MAX_TTL_MS);
        long waitMs = request.optionalLong("wait_ms", 0, 0, MAX_WAIT_MS);
        String requestId = request.optionalString("request_id");
        long deadlineMs = clock.monotonicMs() + waitMs;

        LockCommand command = new LockCommand.Acquire(key, mode, clientId, ttlMs, waitMs > 0);
        ApplyResult result = waiter.await(replica.submit(clientId, requestId, command.encode()), waiter.timeoutMs());
        if (result.status() == 202) {
            result = awaitGrant(key, mode, clientId, deadlineMs, replica, waiter, clock);
        }
        acquires.labelValues(mode.name(), outcome(result)).inc();
        return new ApiResponse(result.status(), result.body());
    }

    /** The request is queued: wait for its grant until the deadline, then withdraw it. */
    private ApplyResult awaitGrant(String key, LockMode mode, String clientId, long deadlineMs,
                                   Replica replica, RequestWaiter waiter, NodeClock clock) throws InterruptedException {
        while (true) {
            Replica.Observed<Optional<LockGrant>> seen = waiter.await(
                    replica.query(sm -> ((LockStateMachine) sm).grantOf(key, clientId)), waiter.timeoutMs());
            Optional<LockGrant> grant = seen.value().filter(g -> g.mode() == LockMode.X || mode == LockMode.S);
            if (grant.isPresent()) {
                return ApplyResult.ok(grantBody(grant.get()));
            }
            long remainingMs = deadlineMs - clock.monotonicMs();
            if (remainingMs <= 0) {
                break;
            }
            try {
                waiter.await(replica.awaitApplied(seen.appliedIndex() + 1), remainingMs);
            } catch (ApiException timeout) {
                break; // wait_ms is over; withdraw below
            }
        }
        // Withdrawing goes through the log: if the grant committed meanwhile, this returns it.
        LockCommand cancel = new LockCommand.CancelWait(key, clientId);
        ApplyResult withdrawn;
        try {
            withdrawn = waiter.await(replica.submit(null, null, cancel.encode()), waiter.timeoutMs());
        } catch (ApiException e) {
            // The request is queued in the replicated state and could not be withdrawn (leadership
            // moved, or the withdrawal did not commit in time): it may still be granted later.
            throw new ApiException(e.status() == 504 ? 504 : 503, Router.errorWithLeader(
                    "acquire queued but could not be withdrawn after wait_ms: " + e.getMessage(), replica.leaderId())
                    .put("outcome", "unknown"));
        }
        if (withdrawn.status() == 404) {
            // The request left the queue between two looks at the state: the client withdrew it with a
            // release, or it was granted and then released or expired before this waiter saw the grant
            // (several entries can apply between looks). A definite refusal would be false in the second
            // case, which the chaos bench caught: a release answered released:true for a grant whose
            // acquire had been answered 404.
            throw new ApiException(503, Router.errorWithLeader("the queued acquire left the queue while this request "
                    + "waited (withdrawn, or granted and then released or expired): its outcome is unknown",
                    replica.leaderId()).put("outcome", "unknown"));
        }
        return LockResponses.afterWithdrawal(withdrawn, mode);
    }

    static JsonNode grantBody(LockGrant grant) {
        return ApplyResult.object()
                .put("granted", true)
                .put("fence", grant.fence())
                .put("mode", grant.mode().name())
                .put("expires_at_ms", grant.expiresAtMs());
    }

    private static String outcome(ApplyResult result) {
        if (result.status() == 200) {
            return "granted";
        }
        return result.body().has("error") && "deadlock".equals(result.body().path("error").asText()) ? "deadlock" : "refused";
    }

    private ApiResponse release(ApiRequest request, Replica replica, RequestWaiter waiter) throws InterruptedException {
        LockCommand command = new LockCommand.Release(request.requiredString("key"), request.requiredString("client_id"));
        ApiResponse response = waiter.respond(replica.submit(request.requiredString("client_id"), request.optionalString("request_id"), command.encode()));
        if (response.status() == 200) {
            releases.inc();
        }
        return response;
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
        acquires = Counter.builder().name("lock_acquire_total").help("lock acquire requests answered, by mode and result")
                .labelNames("mode", "result").register(registry);
        releases = Counter.builder().name("lock_release_total").help("locks released or waits cancelled by clients").register(registry);
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
