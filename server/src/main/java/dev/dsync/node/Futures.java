package dev.dsync.node;

import dev.dsync.http.ApiException;
import dev.dsync.http.ApiResponse;
import dev.dsync.http.Router;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The shared client semantics for replicated operations that run as futures rather than on a
 * blocked thread: a time budget on the node's {@link Timers} (past it: 504, outcome unknown), and
 * the mapping of every way a future can fail to the answer a client gets (as {@link RequestWaiter}
 * does for a blocked handler).
 */
public final class Futures {
    private Futures() {}

    /**
     * {@code pending}, or a 504 "timeout, outcome unknown" once {@code budgetMs} passed first (and
     * then {@code pending} is cancelled, so whoever holds it may forget it).
     */
    public static <T> CompletableFuture<T> within(CompletableFuture<T> pending, long budgetMs, Timers timers) {
        if (pending.isDone()) {
            return pending;
        }
        CompletableFuture<T> bounded = new CompletableFuture<>();
        Timers.Cancellable timer = timers.after(budgetMs, () -> {
            if (bounded.completeExceptionally(new ApiException(504, Router.timeoutBody()))) {
                pending.cancel(false);
            }
        });
        pending.whenComplete((value, error) -> {
            timer.cancel();
            if (error == null) {
                bounded.complete(value);
            } else {
                bounded.completeExceptionally(apiError(error));
            }
        });
        return bounded;
    }

    /** What a failed replicated operation tells the client, as an exception to answer with. */
    public static ApiException apiError(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ApiException api) {
            return api;
        }
        if (cause instanceof Replica.NotLeaderException notLeader) {
            return new ApiException(503, Router.errorWithLeader(notLeader.getMessage(), notLeader.leaderId()));
        }
        if (cause instanceof CancellationException) {
            return new ApiException(504, Router.timeoutBody());
        }
        throw new IllegalStateException("replicated operation failed", cause);
    }

    /** The answer a client gets for a finished future: its value, or the error it failed with. */
    public static ApiResponse answer(ApiResponse value, Throwable error) {
        if (error == null) {
            return value;
        }
        ApiException api = apiError(error);
        return new ApiResponse(api.status(), api.body());
    }
}
