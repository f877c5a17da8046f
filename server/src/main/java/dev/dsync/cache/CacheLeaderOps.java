package dev.dsync.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.http.ApiException;
import dev.dsync.http.ApiResponse;
import dev.dsync.http.Router;
import dev.dsync.node.Replica;
import dev.dsync.node.RequestWaiter;
import dev.dsync.statemachine.ApplyResult;
import java.util.concurrent.CompletableFuture;

/**
 * What only the leader does for the cache: grant read leases, answer misses, and commit writes,
 * each answer held back until the key is settled ({@link LeaseDesk}). Runs on request threads;
 * every touch of the state machine or the desk goes through {@link Replica#query}, onto the Raft loop.
 */
final class CacheLeaderOps {
    private final Replica replica;
    private final RequestWaiter waiter;
    private final LeaseDesk desk;
    private final LeaseTiming timing;

    CacheLeaderOps(Replica replica, RequestWaiter waiter, LeaseDesk desk, LeaseTiming timing) {
        this.replica = replica;
        this.waiter = waiter;
        this.desk = desk;
        this.timing = timing;
    }

    /**
     * A read lease for {@code node}, whose line cache reflected {@code appliedIndex} when it asked.
     * Granted only after a quorum confirmed this node still leads, in the same term.
     */
    LeaseDesk.Grant grantLease(String node, long appliedIndex) throws InterruptedException {
        long term = waiter.await(replica.query(sm -> {
            desk.report(node, appliedIndex, MonotonicClock.nowMs());
            return desk.term();
        }), timing.leaseMs()).value();
        if (term < 0) {
            throw notLeader();
        }
        waiter.await(replica.linearizableRead(), timing.leaseMs());
        LeaseDesk.Grant grant = waiter.await(replica.query(sm -> desk.grant(node, term, MonotonicClock.nowMs())), timing.leaseMs()).value();
        if (grant == null) {
            throw new ApiException(503, Router.errorWithLeader("no lease for " + node + " now (leadership moved or its copies are being dropped)",
                    replica.leaderId()));
        }
        return grant;
    }

    private record ReadView(JsonNode read, Line line, CompletableFuture<Void> settled) {}

    /** A miss at {@code node}: a linearizable read of the key, then a copy installed for {@code node}. */
    ApiResponse read(String key, String node) throws InterruptedException {
        Deadline deadline = new Deadline(waiter.timeoutMs());
        waiter.await(replica.linearizableRead(), deadline.remainingMs());
        ReadView view = waiter.await(replica.query(sm -> {
            CacheStateMachine cache = (CacheStateMachine) sm;
            return new ReadView(cache.read(key), cache.line(key, node).orElse(null), desk.whenSettled(key, MonotonicClock.nowMs()));
        }), deadline.remainingMs()).value();
        waiter.await(view.settled(), deadline.remainingMs());
        if (!view.read().path("found").asBoolean()) {
            return new ApiResponse(404, ApplyResult.object().put("found", false));
        }
        long version = view.read().get("version").asLong();
        ObjectNode body = ApplyResult.object().put("hit", false);
        body.set("val", view.read().get("val"));
        body.put("version", version);
        if (view.line() != null && view.line().version() == version) {
            return ApiResponse.ok(body.put("state", view.line().state().name()));
        }
        body.put("state", install(key, node, version, deadline));
        return ApiResponse.ok(body);
    }

    /** Commits a fill; the read above is already an answer, so a failed fill only means no copy (state I). */
    private String install(String key, String node, long version, Deadline deadline) throws InterruptedException {
        try {
            ApplyResult filled = waiter.await(replica.submit(null, null, new CacheCommand.Fill(key, node, version).encode()),
                    deadline.remainingMs());
            return filled.status() == 200 ? filled.body().path("state").asText() : "I";
        } catch (ApiException e) {
            return "I";
        }
    }

    /** Commits a write and answers once every other copy it removed is surely gone. */
    ApiResponse write(CacheCommand command, String clientId, String requestId) throws InterruptedException {
        Deadline deadline = new Deadline(waiter.timeoutMs());
        ApplyResult result = waiter.await(replica.submit(clientId, requestId, command.encode()), deadline.remainingMs());
        if (result.status() != 400) { // applied, or refused after reading the key (cas mismatch, del of nothing)
            String key = command.key();
            CompletableFuture<Void> settled = waiter.await(replica.query(sm -> desk.whenSettled(key, MonotonicClock.nowMs())),
                    deadline.remainingMs()).value();
            try {
                waiter.await(settled, deadline.remainingMs());
            } catch (ApiException e) {
                if (e.status() == 503) { // the write is in; only who can still confirm the copies changed
                    throw new ApiException(504, Router.timeoutBody().put("error", "leadership moved before the other copies were confirmed invalid"));
                }
                throw e;
            }
        }
        return new ApiResponse(result.status(), result.body());
    }

    private ApiException notLeader() {
        return new ApiException(503, Router.errorWithLeader("not the leader", replica.leaderId()));
    }

    /** One request's time budget, shared by its steps. */
    private static final class Deadline {
        private final long endNanos;

        Deadline(long budgetMs) {
            endNanos = System.nanoTime() + budgetMs * 1_000_000;
        }

        long remainingMs() {
            return Math.max(1, (endNanos - System.nanoTime()) / 1_000_000);
        }
    }
}
