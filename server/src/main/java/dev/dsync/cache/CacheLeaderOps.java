package dev.dsync.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.http.ApiException;
import dev.dsync.http.ApiResponse;
import dev.dsync.http.Router;
import dev.dsync.node.Futures;
import dev.dsync.node.NodeClock;
import dev.dsync.node.Replica;
import dev.dsync.node.Timers;
import dev.dsync.statemachine.ApplyResult;
import java.util.concurrent.CompletableFuture;

/**
 * What only the leader does for the cache: grant read leases, answer misses, and commit writes,
 * each answer held back until the key is settled ({@link LeaseDesk}). Every step is a future (no
 * thread waits), so the node and the simulation run the same code; every touch of the state
 * machine or the desk goes through {@link Replica#query}, onto the Raft loop. Steps continue on
 * whichever thread completed the step before (the Raft loop, a timer): they only build answers and
 * ask the replica for the next step.
 */
final class CacheLeaderOps {
    private final Replica replica;
    private final LeaseDesk desk;
    private final LeaseTiming timing;
    private final NodeClock clock;
    private final Timers timers;
    private final long timeoutMs;
    /** How long a miss's answer waits for its copy to be installed before it answers state I. */
    static final long FILL_WAIT_MS = 200;

    CacheLeaderOps(Replica replica, LeaseDesk desk, LeaseTiming timing, NodeClock clock, Timers timers, long timeoutMs) {
        this.replica = replica;
        this.desk = desk;
        this.timing = timing;
        this.clock = clock;
        this.timers = timers;
        this.timeoutMs = timeoutMs;
    }

    /**
     * A read lease for {@code node}, whose line cache reflected {@code appliedIndex} when it asked.
     * Granted only after a quorum confirmed this node still leads, in the same term.
     */
    CompletableFuture<LeaseDesk.Grant> grantLease(String node, long appliedIndex) {
        return Futures.within(replica.query(sm -> {
            desk.report(node, appliedIndex, clock.monotonicMs());
            return desk.term();
        }), timing.leaseMs(), timers).thenCompose(term -> {
            if (term.value() < 0) {
                throw notLeader();
            }
            return Futures.within(replica.linearizableRead(), timing.leaseMs(), timers)
                    .thenCompose(confirmed -> Futures.within(
                            replica.query(sm -> desk.grant(node, term.value(), clock.monotonicMs())), timing.leaseMs(), timers))
                    .thenApply(grant -> {
                        if (grant.value() == null) {
                            throw new ApiException(503, Router.errorWithLeader("no lease for " + node
                                    + " now (leadership moved, its copies are being dropped, or it is no member of the cluster)", replica.leaderId()));
                        }
                        return grant.value();
                    });
        });
    }

    private record ReadView(JsonNode read, Line line, CompletableFuture<Void> settled) {}

    /** A miss at {@code node}: a linearizable read of the key, then a copy installed for {@code node}. */
    CompletableFuture<ApiResponse> read(String key, String node) {
        Deadline deadline = new Deadline();
        return deadline.bound(replica.linearizableRead())
                .thenCompose(confirmed -> deadline.bound(replica.query(sm -> {
                    CacheStateMachine cache = (CacheStateMachine) sm;
                    return new ReadView(cache.read(key), cache.line(key, node).orElse(null), desk.whenSettled(key, clock.monotonicMs()));
                })))
                .thenCompose(view -> deadline.bound(view.value().settled()).thenCompose(settled -> answerMiss(key, node, view.value(), deadline)));
    }

    private CompletableFuture<ApiResponse> answerMiss(String key, String node, ReadView view, Deadline deadline) {
        if (!view.read().path("found").asBoolean()) {
            return CompletableFuture.completedFuture(new ApiResponse(404, ApplyResult.object().put("found", false)));
        }
        long version = view.read().get("version").asLong();
        ObjectNode body = ApplyResult.object().put("hit", false);
        body.set("val", view.read().get("val"));
        body.put("version", version);
        if (view.line() != null && view.line().version() == version) {
            return CompletableFuture.completedFuture(ApiResponse.ok(body.put("state", view.line().state().name())));
        }
        return install(key, node, version, deadline).thenApply(state -> ApiResponse.ok(body.put("state", state)));
    }

    /**
     * Commits a fill; the read above is already an answer, so a failed fill only means no copy (state I).
     * The answer waits for the fill at most {@link #FILL_WAIT_MS}: a leader that can confirm reads but
     * not commit (slow disks, a follower catching up) still answers misses, and a fill that commits
     * later installs its copy all the same.
     */
    private CompletableFuture<String> install(String key, String node, long version, Deadline deadline) {
        CompletableFuture<ApplyResult> fill = replica.submit(null, null, new CacheCommand.Fill(key, node, version).encode());
        return deadline.bound(fill, FILL_WAIT_MS)
                .handle((filled, error) -> {
                    if (error != null) {
                        Futures.apiError(error); // rethrows what is not an answer (a bug)
                        return "I";
                    }
                    return filled.status() == 200 ? filled.body().path("state").asText() : "I";
                });
    }

    /** Commits a write and answers once every other copy it removed is surely gone. */
    CompletableFuture<ApiResponse> write(CacheCommand command, String clientId, String requestId) {
        Deadline deadline = new Deadline();
        return deadline.bound(replica.submit(clientId, requestId, command.encode())).thenCompose(result -> {
            ApiResponse answer = new ApiResponse(result.status(), result.body());
            if (result.status() == 400) { // refused without reading the key: nothing to settle
                return CompletableFuture.completedFuture(answer);
            }
            // Applied, or refused after reading the key (cas mismatch, del of nothing).
            String key = command.key();
            return deadline.bound(replica.query(sm -> desk.whenSettled(key, clock.monotonicMs())))
                    .thenCompose(settled -> deadline.bound(settled.value()))
                    .handle((settled, error) -> {
                        if (error == null) {
                            return answer;
                        }
                        ApiException e = Futures.apiError(error);
                        if (e.status() == 503) { // the write is in; only who can still confirm the copies changed
                            throw new ApiException(504, Router.timeoutBody()
                                    .put("error", "leadership moved before the other copies were confirmed invalid"));
                        }
                        throw e;
                    });
        });
    }

    private ApiException notLeader() {
        return new ApiException(503, Router.errorWithLeader("not the leader", replica.leaderId()));
    }

    /** One request's time budget on the node's clock, shared by its steps. */
    private final class Deadline {
        private final long endMs = clock.monotonicMs() + timeoutMs;

        <T> CompletableFuture<T> bound(CompletableFuture<T> step) {
            return bound(step, Long.MAX_VALUE);
        }

        /** As {@link #bound(CompletableFuture)}, waiting at most {@code capMs} even if the budget allows more. */
        <T> CompletableFuture<T> bound(CompletableFuture<T> step, long capMs) {
            return Futures.within(step, Math.min(capMs, Math.max(1, endMs - clock.monotonicMs())), timers);
        }
    }
}
