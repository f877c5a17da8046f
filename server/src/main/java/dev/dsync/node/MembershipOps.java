package dev.dsync.node;

import dev.dsync.http.ApiException;
import dev.dsync.http.Router;
import dev.dsync.raft.Membership;
import dev.dsync.raft.RaftCore;
import dev.dsync.statemachine.ApplyResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The Raft loop's side of {@link MembershipControl}: calls the core's membership changes, waits for
 * their configuration entries like proposals ({@link PendingRequests#awaitConfig}), turns the core's
 * refusals into the answers the contract names, and lists the members. Loop-confined.
 */
public final class MembershipOps {
    /** How soon a refused change may be worth trying again: about one heartbeat round and a commit. */
    static final String RETRY_AFTER_SECONDS = "1";

    private final RaftCore core;
    private final PendingRequests pending;

    public MembershipOps(RaftCore core, PendingRequests pending) {
        this.core = core;
        this.pending = pending;
    }

    public void addLearner(String id, String url, CompletableFuture<Long> done) {
        Membership current = core.membership();
        for (String member : current.members()) {
            if (url.equals(current.address(member)) && !member.equals(id)) {
                // Most likely a mistyped id for a node already in: two ids for one node would split its vote.
                done.completeExceptionally(new ApiException(409, url + " is already the address of member " + member));
                return;
            }
        }
        try {
            await(core.addLearner(id, url), done);
        } catch (RaftCore.NotLeaderException e) {
            done.completeExceptionally(new Replica.NotLeaderException(e.getMessage(), e.leaderId()));
        } catch (RaftCore.MembershipChangeException e) {
            done.completeExceptionally(refusal(e, 409));
        }
    }

    public void removeMember(String id, CompletableFuture<Long> done) {
        try {
            await(core.removeMember(id), done);
        } catch (RaftCore.NotLeaderException e) {
            done.completeExceptionally(new Replica.NotLeaderException(e.getMessage(), e.leaderId()));
        } catch (RaftCore.MembershipChangeException e) {
            done.completeExceptionally(refusal(e, core.membership().contains(id) ? 409 : 404));
        }
    }

    private void await(long index, CompletableFuture<Long> done) {
        CompletableFuture<ApplyResult> applied = new CompletableFuture<>();
        pending.awaitConfig(index, core.term(), applied);
        applied.whenComplete((result, error) -> {
            if (error != null) {
                done.completeExceptionally(error);
            } else {
                done.complete(index);
            }
        });
        // A caller that gave up lets the pending wait go (PendingRequests forgets cancelled ones).
        done.whenComplete((ignored, error) -> {
            if (done.isCancelled()) {
                applied.cancel(false);
            }
        });
    }

    private ApiException refusal(RaftCore.MembershipChangeException e, int finalStatus) {
        if (e.retryable()) {
            return new ApiException(503, Router.errorWithLeader(e.getMessage(), core.leaderId()),
                    Map.of("Retry-After", RETRY_AFTER_SECONDS));
        }
        return new ApiException(finalStatus, e.getMessage());
    }

    public MembershipControl.MemberList members() {
        Membership m = core.membership();
        List<MembershipControl.Member> list = new ArrayList<>();
        for (String id : m.members()) {
            list.add(new MembershipControl.Member(id, m.address(id), m.isVoter(id) ? "voter" : "learner", matchIndex(id)));
        }
        return new MembershipControl.MemberList(core.leaderId(), List.copyOf(list));
    }

    /** The member's match index on the leader, or null on a follower (the core knows it only while leading). */
    private Long matchIndex(String id) {
        long match = core.matchIndex(id);
        return match < 0 ? null : match;
    }
}
