package dev.dsync.node;

import dev.dsync.http.ApiException;
import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.http.Route;
import dev.dsync.http.Router;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Waits for a replicated operation on behalf of an HTTP handler and maps the ways it can end to
 * the shared client semantics: applied (its result), certainly not applied (503 with the leader),
 * or unknown (504 {"error":"timeout","outcome":"unknown"}).
 */
public final class RequestWaiter {
    private final long timeoutMs;

    public RequestWaiter(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    public long timeoutMs() {
        return timeoutMs;
    }

    /**
     * A route handler that waits for {@code call}'s future on the HTTP thread. The call bounds its
     * own steps; {@code safetyNetMs} only catches one that forgot to.
     */
    public Route.Handler waitingFor(Function<ApiRequest, CompletableFuture<ApiResponse>> call, long safetyNetMs) {
        return request -> await(call.apply(request), safetyNetMs);
    }

    public <T> T await(CompletableFuture<T> pending, long waitMs) throws InterruptedException {
        try {
            return pending.get(waitMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(false);
            throw new ApiException(504, Router.timeoutBody());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Replica.NotLeaderException notLeader) {
                throw new ApiException(503, Router.errorWithLeader(notLeader.getMessage(), notLeader.leaderId()));
            }
            if (e.getCause() instanceof ApiException api) {
                throw api;
            }
            throw new IllegalStateException("replicated operation failed", e.getCause());
        }
    }
}
