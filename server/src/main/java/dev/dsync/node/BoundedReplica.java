package dev.dsync.node;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.http.ApiResponse;
import dev.dsync.statemachine.StateMachine;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A node's {@link Replica} as the endpoints use it: every call bounded by the request timeout on
 * the node's {@link Timers} (past it, a 504 with outcome unknown: {@link Futures#within}).
 */
public final class BoundedReplica {
    private final Replica replica;
    private final Timers timers;
    private final long timeoutMs;

    public BoundedReplica(ServiceContext context) {
        this.replica = context.replica();
        this.timers = context.timers();
        this.timeoutMs = context.waiter().timeoutMs();
    }

    public Replica replica() {
        return replica;
    }

    public long timeoutMs() {
        return timeoutMs;
    }

    /** {@code pending}, or a 504 once the request timeout passed. */
    public <T> CompletableFuture<T> bounded(CompletableFuture<T> pending) {
        return Futures.within(pending, timeoutMs, timers);
    }

    /** {@code pending}, or a 504 once {@code budgetMs} passed (a wait shorter or longer than a request's). */
    public <T> CompletableFuture<T> boundedBy(CompletableFuture<T> pending, long budgetMs) {
        return Futures.within(pending, budgetMs, timers);
    }

    /** A write, at most once per client_id + request_id when both are given; its applied result is the answer. */
    public CompletableFuture<ApiResponse> submit(String clientId, String requestId, byte[] command) {
        return bounded(replica.submit(clientId, requestId, command)).thenApply(r -> new ApiResponse(r.status(), r.body()));
    }

    /** A linearizable read: a ReadIndex round, then {@code reader} on the state that reflects it, as a 200 answer. */
    public CompletableFuture<ApiResponse> read(Function<StateMachine, JsonNode> reader) {
        return bounded(replica.linearizableRead())
                .thenCompose(confirmed -> bounded(replica.query(reader)))
                .thenApply(seen -> ApiResponse.ok(seen.value()));
    }
}
