package dev.dsync.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.http.ApiException;
import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.http.Router;
import dev.dsync.statemachine.ApplyResult;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Membership changes as a client asks for them: made on the leader through the Raft loop
 * ({@link MembershipControl}) and answered once their configuration entry commits, like writes.
 * Within the node's request timeout it rides out what Raft makes a change wait for: another change
 * still in progress or a new leader settling in (tried again every {@value #RETRY_PAUSE_MS} ms), and
 * a leadership hand-over (the request goes on to the new leader, one more hop). That is how the
 * leader is removed: it hands leadership to a caught-up voter first, and the new leader removes it.
 */
public final class MemberChanges {
    static final long RETRY_PAUSE_MS = 100;
    /** How often a node that gave leadership away looks whether the new leader is known yet. */
    static final long LEADER_POLL_MS = 20;

    /** Sends a request to the leader and returns its answer (the node binds {@code LeaderForwarder}). */
    @FunctionalInterface
    public interface Forwarder {
        ApiResponse forward(String leaderId, ApiRequest request) throws InterruptedException;
    }

    private final String selfId;
    private final MembershipControl members;
    private final RequestWaiter waiter;
    private final NodeClock clock;
    private final Timers timers;
    private final Forwarder forwarder;

    public MemberChanges(String selfId, MembershipControl members, RequestWaiter waiter, NodeClock clock, Timers timers,
                         Forwarder forwarder) {
        this.selfId = selfId;
        this.members = members;
        this.waiter = waiter;
        this.clock = clock;
        this.timers = timers;
        this.forwarder = forwarder;
    }

    /** 202 once {@code id} is a learner (the leader promotes it to voter when it has caught up). */
    public ApiResponse add(ApiRequest request, String id, String url) throws InterruptedException {
        return change(request, () -> members.addLearner(id, url), index -> {
            ObjectNode body = ApplyResult.object().put("id", id).put("url", url).put("role", "learner").put("index", index);
            return new ApiResponse(202, body);
        });
    }

    /** 200 once the configuration without {@code id} is committed. */
    public ApiResponse remove(ApiRequest request, String id) throws InterruptedException {
        return change(request, () -> members.removeMember(id),
                index -> ApiResponse.ok(ApplyResult.object().put("id", id).put("removed", true).put("index", index)));
    }

    private interface Answer {
        ApiResponse of(long index);
    }

    private ApiResponse change(ApiRequest request, Supplier<CompletableFuture<Long>> attempt, Answer answer)
            throws InterruptedException {
        if (!members.isLeader()) {
            return toLeader(request);
        }
        long deadline = clock.monotonicMs() + waiter.timeoutMs();
        ApiException last = null;
        while (members.isLeader()) {
            try {
                return answer.of(waiter.await(attempt.get(), Math.max(1, deadline - clock.monotonicMs())));
            } catch (ApiException e) {
                last = e;
                boolean again = retryable(e) || notLeader(e);
                if (!again || deadline - clock.monotonicMs() <= RETRY_PAUSE_MS) {
                    throw e;
                }
                // Refused for now, or leadership is being handed over (the loop sees it go shortly).
                pause(retryable(e) ? RETRY_PAUSE_MS : LEADER_POLL_MS);
            }
        }
        // Leadership moved while the change was under way (this node handed it over to be removed,
        // or lost it): the change certainly did not happen here, so the new leader is asked. This one
        // extra hop is deliberate, even for a request that was forwarded here.
        String next = awaitOtherLeader(deadline);
        if (next == null) {
            throw last != null ? last : new ApiException(503, Router.errorWithLeader("leadership moved; retry shortly", null));
        }
        return forwarder.forward(next, request);
    }

    /** A request that reached a follower: forwarded once to the leader, as the router forwards writes. */
    private ApiResponse toLeader(ApiRequest request) throws InterruptedException {
        String leader = members.leaderId();
        if (leader == null) {
            throw new ApiException(503, Router.errorWithLeader("no leader elected; retry shortly", null));
        }
        if (request.forwarded()) {
            throw new ApiException(503, Router.errorWithLeader("not the leader (forwarded here by another node)", leader));
        }
        return forwarder.forward(leader, request);
    }

    private String awaitOtherLeader(long deadline) throws InterruptedException {
        while (clock.monotonicMs() < deadline) {
            String leader = members.leaderId();
            if (leader != null && !leader.equals(selfId) && !members.isLeader()) {
                return leader;
            }
            pause(LEADER_POLL_MS);
        }
        return null;
    }

    private void pause(long ms) throws InterruptedException {
        CompletableFuture<Void> slept = new CompletableFuture<>();
        timers.after(ms, () -> slept.complete(null));
        waiter.await(slept, ms + 1000);
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
