package dev.dsync.node;

import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.http.Route;
import dev.dsync.statemachine.StateMachine;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One service (lock, queue, cache) as the node process hosts it. */
public interface ServiceModule {

    /** The service's state machine; the node wraps it with client sessions and owns it. */
    StateMachine stateMachine();

    /** The service's client (and service-specific peer) endpoints. */
    List<Route> routes(ServiceContext context);

    /**
     * A request to one of the service's endpoints, handled exactly as its HTTP route handles it but
     * not waited for: the route waits for this future, and the simulation's clients and network
     * call it directly. Bad input fails at once with an {@code ApiException} 4xx; the future fails
     * with one for an error answer. Only after {@link #routes} bound the service to its context.
     */
    CompletableFuture<ApiResponse> call(ApiRequest request);

    /** Registers the service's own metrics. */
    void registerMetrics(PrometheusRegistry registry);

    /**
     * Commands the leader proposes on its own, such as lease expiry. Called on the Raft loop thread
     * about every 100 ms while this node leads and no earlier duty command is still uncommitted.
     * {@code nowMs} is this node's monotonic clock in milliseconds (comparable only within this
     * process), not wall-clock time: see {@code dev.dsync.lease.LeaseClockBounds}.
     */
    default List<byte[]> leaderDuties(long nowMs) {
        return List.of();
    }

    /**
     * Called on the Raft loop thread after each batch of applied entries (or a restored snapshot),
     * with the index now applied, before anyone waiting for that index is woken.
     */
    default void afterApply(long appliedIndex) {}

    /** Called on the Raft loop thread whenever the node's Raft status changes (role, term, leader, indexes). */
    default void onStatus(NodeStatus status) {}

    /** Starts the service's own background work, once the node serves requests. */
    default void start() {}

    /** Stops it; the node is shutting down. */
    default void close() {}
}
