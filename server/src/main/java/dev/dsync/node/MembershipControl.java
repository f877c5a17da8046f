package dev.dsync.node;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the membership endpoints may ask of this node's Raft loop: changes (one server at a time,
 * on the leader) and the member list. Every call runs on the loop thread, as every core call must.
 *
 * <p>A change completes with the log index of its configuration entry once that entry is committed
 * and applied here. It fails with {@link Replica.NotLeaderException} when this node does not lead
 * (or is handing leadership over: the leader removing itself does so first, and the caller asks the
 * new leader), or with an {@link dev.dsync.http.ApiException}: 503 with a Retry-After header when
 * the same change may succeed shortly (another change in progress, a new leader settling in), or
 * 404/409 when it never will (not a member; already a member, or the last voter).
 */
public interface MembershipControl {

    CompletableFuture<Long> addLearner(String id, String url);

    CompletableFuture<Long> removeMember(String id);

    /** The configuration in force here, with match indexes where this node leads. */
    CompletableFuture<MemberList> members();

    /** The last published view (any thread, no wait). */
    MembershipView view();

    boolean isLeader();

    String leaderId();

    /** One member: its address in the configuration, "voter" or "learner", and (leader only) its match index. */
    record Member(String id, String url, String role, Long matchIndex) {}

    record MemberList(String leader, List<Member> members) {}
}
