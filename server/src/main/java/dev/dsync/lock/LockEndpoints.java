package dev.dsync.lock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.http.ApiException;
import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.http.Route;
import dev.dsync.http.Router;
import dev.dsync.node.BoundedReplica;
import dev.dsync.node.Futures;
import dev.dsync.node.NodeClock;
import dev.dsync.node.Replica;
import dev.dsync.node.ServiceContext;
import dev.dsync.node.Timers;
import dev.dsync.statemachine.ApplyResult;
import io.prometheus.metrics.core.metrics.Counter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The lock service's client endpoints. Each runs as a future ({@link #call}) on the node's
 * {@link Replica}, every step bounded on the node's {@link Timers}: the HTTP route only waits for
 * it, and the simulation's clients call {@link #call} itself, so both run the same handling.
 */
final class LockEndpoints {
    static final List<String> PATHS = List.of("/lock/acquire", "/lock/release", "/lock/renew", "/lock/status");

    private final BoundedReplica calls;
    private final Replica replica;
    private final NodeClock clock;
    private final Counter acquires;
    private final Counter releases;

    LockEndpoints(ServiceContext context, Counter acquires, Counter releases) {
        this.calls = new BoundedReplica(context);
        this.replica = context.replica();
        this.clock = context.clock();
        this.acquires = acquires;
        this.releases = releases;
    }

    List<Route> routes(ServiceContext context) {
        // An acquire's steps: submit, wait_ms, withdrawal.
        Route.Handler handler = context.waiter().waitingFor(this::call, LockService.MAX_WAIT_MS + 3 * calls.timeoutMs() + 1000L);
        return PATHS.stream().map(path -> Route.leader(path.equals("/lock/status") ? "GET" : "POST", path, handler)).toList();
    }

    /**
     * One request, as its HTTP route hands it over. Bad input fails at once (an {@link ApiException}
     * 4xx); everything else is answered by the future, which fails with an {@link ApiException} for
     * an error answer (503: certainly not done; 504 or "outcome":"unknown": may be done).
     */
    CompletableFuture<ApiResponse> call(ApiRequest request) {
        return switch (request.path()) {
            case "/lock/acquire" -> acquire(request);
            case "/lock/release" -> {
                LockCommand release = new LockCommand.Release(request.requiredString("key"), request.requiredString("client_id"));
                yield submit(request.requiredString("client_id"), request.optionalString("request_id"), release).thenApply(answer -> {
                    if (answer.status() == 200) {
                        releases.inc();
                    }
                    return answer;
                });
            }
            case "/lock/renew" -> submit(request.requiredString("client_id"), request.optionalString("request_id"),
                    new LockCommand.Renew(request.requiredString("client_id")));
            case "/lock/status" -> {
                String key = request.queryParam("key");
                yield calls.read(sm -> ((LockStateMachine) sm).status(key));
            }
            default -> throw new ApiException(404, "no lock endpoint " + request.path());
        };
    }

    private CompletableFuture<ApiResponse> submit(String clientId, String requestId, LockCommand command) {
        return calls.submit(clientId, requestId, command.encode());
    }

    /** An acquire request that may wait: what it asks for, and until when it may wait (monotonic). */
    private record Waiting(String key, LockMode mode, String clientId, long deadlineMs) {}

    private CompletableFuture<ApiResponse> acquire(ApiRequest request) {
        String key = request.requiredString("key");
        LockMode mode = request.requiredEnum("mode", LockMode.class);
        String clientId = request.requiredString("client_id");
        long ttlMs = request.optionalLong("ttl_ms", LockService.DEFAULT_TTL_MS, 1, LockService.MAX_TTL_MS);
        long waitMs = request.optionalLong("wait_ms", 0, 0, LockService.MAX_WAIT_MS);
        String requestId = request.optionalString("request_id");
        Waiting waiting = new Waiting(key, mode, clientId, clock.monotonicMs() + waitMs);

        LockCommand command = new LockCommand.Acquire(key, mode, clientId, ttlMs, waitMs > 0);
        return calls.bounded(replica.submit(clientId, requestId, command.encode()))
                .thenCompose(result -> result.status() == 202 ? awaitGrant(waiting) : CompletableFuture.completedFuture(result))
                .thenApply(result -> {
                    acquires.labelValues(mode.name(), outcome(result)).inc();
                    return new ApiResponse(result.status(), result.body());
                });
    }

    /**
     * The request is queued: look for its grant after every change to the state, until the
     * deadline, then withdraw it.
     */
    private CompletableFuture<ApplyResult> awaitGrant(Waiting w) {
        return calls.bounded(replica.query(sm -> ((LockStateMachine) sm).grantOf(w.key(), w.clientId()))).thenCompose(seen -> {
            Optional<LockGrant> grant = seen.value().filter(g -> g.mode() == LockMode.X || w.mode() == LockMode.S);
            if (grant.isPresent()) {
                return CompletableFuture.completedFuture(LockResponses.granted(grant.get()));
            }
            long remainingMs = w.deadlineMs() - clock.monotonicMs();
            if (remainingMs <= 0) {
                return withdraw(w);
            }
            // A wait that fails (wait_ms over, leadership lost) ends in the withdrawal, which says what became of the request.
            return calls.boundedBy(replica.awaitApplied(seen.appliedIndex() + 1), remainingMs)
                    .handle((changed, error) -> error == null ? awaitGrant(w) : withdraw(w))
                    .thenCompose(next -> next);
        });
    }

    /** Withdrawing goes through the log: if the grant committed meanwhile, this returns it. */
    private CompletableFuture<ApplyResult> withdraw(Waiting w) {
        LockCommand cancel = new LockCommand.CancelWait(w.key(), w.clientId());
        return calls.bounded(replica.submit(null, null, cancel.encode())).handle((withdrawn, error) -> {
            if (error != null) {
                // The request is queued in the replicated state and could not be withdrawn (leadership
                // moved, or the withdrawal did not commit in time): it may still be granted later.
                ApiException e = Futures.apiError(error);
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
            return LockResponses.afterWithdrawal(withdrawn, w.mode());
        });
    }


    private static String outcome(ApplyResult result) {
        if (result.status() == 200) {
            return "granted";
        }
        JsonNode error = result.body().path("error");
        return "deadlock".equals(error.asText()) ? "deadlock" : "refused";
    }
}
