package dev.dsync.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.http.ApiException;
import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.http.LeaderCalls;
import dev.dsync.http.Router;
import dev.dsync.statemachine.ApplyResult;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Membership changes as a client asks for them: made on the leader through the Raft loop
 * ({@link MembershipControl}) and answered once their configuration entry commits, like writes.
 * Within the node's request timeout it rides out what Raft makes a change wait for: another change
 * still in progress, a new leader settling in, or voters left by a removal that have not answered
 * the leader yet (tried again every {@value #RETRY_PAUSE_MS} ms), and
 * a leadership hand-over (the request goes on to the new leader, one more hop). That is how the
 * leader is removed: it hands leadership to a caught-up voter first, and the new leader removes it.
 * Runs as a chain of futures on the node's {@link Timers}, so the simulation runs it as the node does.
 */
public final class MemberChanges {
    static final long RETRY_PAUSE_MS = 100;
    /** How often a node that gave leadership away looks whether the new leader is known yet. */
    static final long LEADER_POLL_MS = 20;

    private final String selfId;
    private final MembershipControl members;
    private final long timeoutMs;
    private final NodeClock clock;
    private final Timers timers;
    private final LeaderCalls leaderCalls;

    public MemberChanges(String selfId, MembershipControl members, long timeoutMs, NodeClock clock, Timers timers,
                         LeaderCalls leaderCalls) {
        this.selfId = selfId;
        this.members = members;
        this.timeoutMs = timeoutMs;
        this.clock = clock;
        this.timers = timers;
        this.leaderCalls = leaderCalls;
    }

    /** 202 once {@code id} is a learner (the leader promotes it to voter when it has caught up). */
    public CompletableFuture<ApiResponse> add(ApiRequest request, String id, String url) {
        return change(request, () -> members.addLearner(id, url), index -> {
            ObjectNode body = ApplyResult.object().put("id", id).put("url", url).put("role", "learner").put("index", index);
            return new ApiResponse(202, body);
        });
    }

    /** 200 once the configuration without {@code id} is committed. */
    public CompletableFuture<ApiResponse> remove(ApiRequest request, String id) {
        return change(request, () -> members.removeMember(id),
                index -> ApiResponse.ok(ApplyResult.object().put("id", id).put("removed", true).put("index", index)));
    }

    private interface Answer {
        ApiResponse of(long index);
    }

    private CompletableFuture<ApiResponse> change(ApiRequest request, Supplier<CompletableFuture<Long>> attempt, Answer answer) {
        if (!members.isLeader()) {
            return toLeader(request);
        }
        return attempt(request, attempt, answer, clock.monotonicMs() + timeoutMs, null);
    }

    /** One try while this node leads; refusals for now and a hand-over under way are tried again until the deadline. */
    private CompletableFuture<ApiResponse> attempt(ApiRequest request, Supplier<CompletableFuture<Long>> attempt, Answer answer,
                                                   long deadline, ApiException last) {
        if (!members.isLeader()) {
            return afterLeadershipMoved(request, deadline, last);
        }
        return Futures.within(attempt.get(), Math.max(1, deadline - clock.monotonicMs()), timers).handle((index, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(answer.of(index));
            }
            ApiException e = Futures.apiError(error);
            boolean again = retryable(e) || notLeader(e);
            if (!again || deadline - clock.monotonicMs() <= RETRY_PAUSE_MS) {
                return CompletableFuture.<ApiResponse>failedFuture(e);
            }
            // Refused for now, or leadership is being handed over (the loop sees it go shortly).
            return pause(retryable(e) ? RETRY_PAUSE_MS : LEADER_POLL_MS).thenCompose(slept -> attempt(request, attempt, answer, deadline, e));
        }).thenCompose(next -> next);
    }

    /**
     * Leadership moved while the change was under way (this node handed it over to be removed, or
     * lost it): the change certainly did not happen here, so the new leader is asked. This one extra
     * hop is deliberate, even for a request that was forwarded here.
     */
    private CompletableFuture<ApiResponse> afterLeadershipMoved(ApiRequest request, long deadline, ApiException last) {
        return awaitOtherLeader(deadline).thenCompose(next -> next == null
                ? CompletableFuture.failedFuture(last != null ? last : new ApiException(503, Router.errorWithLeader("leadership moved; retry shortly", null)))
                : leaderCalls.forward(next, request.asForwarded(), timeoutMs + 1000L));
    }

    /** A request that reached a follower: forwarded once to the leader, as the router forwards writes. */
    private CompletableFuture<ApiResponse> toLeader(ApiRequest request) {
        String leader = members.leaderId();
        if (leader == null) {
            return CompletableFuture.failedFuture(new ApiException(503, Router.errorWithLeader("no leader elected; retry shortly", null)));
        }
        if (request.forwarded()) {
            return CompletableFuture.failedFuture(new ApiException(503,
                    Router.errorWithLeader("not the leader (forwarded here by another node)", leader)));
        }
        return leaderCalls.forward(leader, request.asForwarded(), timeoutMs + 1000L);
    }

    private CompletableFuture<String> awaitOtherLeader(long deadline) {
        if (clock.monotonicMs() >= deadline) {
            return CompletableFuture.completedFuture(null);
        }
        String leader = members.leaderId();
        if (leader != null && !leader.equals(selfId) && !members.isLeader()) {
            return CompletableFuture.completedFuture(leader);
        }
        return pause(LEADER_POLL_MS).thenCompose(slept -> awaitOtherLeader(deadline));
    }

    private CompletableFuture<Void> pause(long ms) {
        CompletableFuture<Void> slept = new CompletableFuture<>();
        timers.after(ms, () -> slept.complete(null));
        return slept;
    }

    /** 503 with Retry-After: the core refused the change for now (see {@link MembershipControl}). */
    static boolean retryable(ApiException e) {
        return e.status() == 503 && e.headers().containsKey("Retry-After");
    }

    /** 503 that certainly did not happen and is no refusal for now: this node does not (or no longer) lead. */
    private static boolean notLeader(ApiException e) {
        return e.status() == 503 && !e.headers().containsKey("Retry-After") && !e.body().has("outcome");
    }
}
