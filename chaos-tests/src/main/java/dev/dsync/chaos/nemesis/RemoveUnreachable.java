package dev.dsync.chaos.nemesis;

import dev.dsync.chaos.cluster.Cluster;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The partition shape {@code remove-unreachable}: the leader A is cut off from both followers, and an
 * operator who sees them down asks A, at once, to remove both (two {@code DELETE /cluster/members/{id}}
 * sent together). A correct leader appends the first removal, which can never commit (the new
 * configuration needs the other follower, which A cannot reach), refuses the second while the first is
 * in progress (one change at a time, dissertation §4.1), and steps down at its next failed quorum
 * check; the followers elect a successor and the cluster goes on with three voters. Neither removal is
 * ever acknowledged.
 *
 * <p>A leader that starts a change while another is uncommitted appends the second removal too and is
 * then the only voter of its own configuration: it commits alone and serves clients as leader while the
 * followers' leader serves them too (two leaders, both acknowledging writes): double lock grants,
 * one message delivered to two consumers, lost cache writes. Nothing else in the matrix makes two
 * membership changes at once, so nothing else shows that bug.
 *
 * <p>The removals are sent as {@link RemovalCall} sends them, and the shape waits for both answers: one
 * still pending at the heal could be carried out then by the new leader, legitimately but outside this step.
 */
final class RemoveUnreachable {

    /** The cut this shape starts with, carried out (and undone at the heal) by the nemesis. */
    interface Isolation {
        void isolate(String node) throws IOException;
    }

    private final Cluster cluster;
    private final Isolation isolation;
    private final RemovalCall removal;

    RemoveUnreachable(Cluster cluster, Isolation isolation) {
        this.cluster = cluster;
        this.isolation = isolation;
        this.removal = new RemovalCall(cluster);
    }

    Map<String, Object> run(String leader, List<String> ids) throws IOException {
        Map<String, Object> value = new LinkedHashMap<>();
        if (cluster.adminToken().isEmpty()) {
            value.put("skipped", "the nodes have no admin token: no membership change can be asked for");
            return value;
        }
        if (cluster.anyMemberJoinedAtRunTime()) {
            // Its outbound traffic has no proxy of its own: the leader might still reach it, and a
            // removal it acknowledged would be no fault (mixed runs, after a membership change).
            value.put("skipped", "a member joined at run time, and its links cannot be cut one by one");
            return value;
        }
        List<String> followers = MembershipSteps.others(ids, leader);
        isolation.isolate(leader);
        value.put("isolated", List.of(leader));
        List<CompletableFuture<RemovalCall.Answer>> answers = new ArrayList<>();
        for (String follower : followers) {
            answers.add(removal.send(leader, follower));
        }
        Map<String, String> answered = new LinkedHashMap<>();
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < followers.size(); i++) {
            RemovalCall.Answer answer = answers.get(i).join();
            answered.put(followers.get(i), answer.toString());
            if (answer.acknowledged()) {
                acknowledged.add(followers.get(i));
            }
        }
        value.put("removals_asked", followers);
        value.put("answers", answered);
        value.put("removals_acknowledged", acknowledged);
        if (!acknowledged.isEmpty()) {
            // Each configuration without one follower needs the other, which A could not reach.
            value.put("violation", leader + ", cut off from every other voter, acknowledged removing " + acknowledged
                    + ": the configuration without one of them needs the other");
        }
        return value;
    }
}
