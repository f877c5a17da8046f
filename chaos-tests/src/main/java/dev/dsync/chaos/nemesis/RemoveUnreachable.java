package dev.dsync.chaos.nemesis;

import dev.dsync.chaos.cluster.Cluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
 * <p>The removals are marked as forwarded, so A refuses them rather than passing them to another node
 * if it no longer leads when they arrive (a change made by a real majority would be no fault). The
 * shape waits for both answers: a refused change is retried by the node until its request timeout, and
 * one still pending at the heal could be carried out then by the new leader, legitimately but outside
 * this step.
 */
final class RemoveUnreachable {
    /** The chaos nodes' request timeout (2 s, ChaosMain) and a margin: by then the node has given up. */
    private static final Duration ANSWER_LIMIT = Duration.ofMillis(3_500);
    private static final String FORWARDED_BY = "chaos-nemesis";

    /** The cut this shape starts with, carried out (and undone at the heal) by the nemesis. */
    interface Isolation {
        void isolate(String node) throws IOException;
    }

    private final Cluster cluster;
    private final Isolation isolation;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500))
            .version(HttpClient.Version.HTTP_1_1).build();

    RemoveUnreachable(Cluster cluster, Isolation isolation) {
        this.cluster = cluster;
        this.isolation = isolation;
    }

    Map<String, Object> run(String leader, List<String> ids) throws IOException {
        Map<String, Object> value = new LinkedHashMap<>();
        if (cluster.adminToken().isEmpty()) {
            value.put("skipped", "the nodes have no admin token: no membership change can be asked for");
            return value;
        }
        List<String> followers = MembershipSteps.others(ids, leader);
        isolation.isolate(leader);
        value.put("isolated", List.of(leader));
        long sentAt = System.nanoTime();
        List<CompletableFuture<String>> answers = new ArrayList<>();
        for (String follower : followers) {
            answers.add(remove(leader, follower, sentAt));
        }
        Map<String, String> answered = new LinkedHashMap<>();
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < followers.size(); i++) {
            String answer = answers.get(i).join();
            answered.put(followers.get(i), answer);
            if (answer.startsWith("200 ")) {
                acknowledged.add(followers.get(i));
            }
        }
        value.put("removals_asked", followers);
        value.put("answers", answered);
        // A correct leader cut off from every voter acknowledges none: the new configuration needs one.
        value.put("removals_acknowledged", acknowledged);
        return value;
    }

    /** "status ms body" of the leader's answer to removing {@code follower}, or what went wrong. */
    private CompletableFuture<String> remove(String leader, String follower, long sentAt) {
        URI uri = cluster.clientUrl(leader).resolve("/cluster/members/" + follower);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(ANSWER_LIMIT).DELETE()
                .header("Authorization", "Bearer " + cluster.adminToken().orElseThrow())
                .header("X-Dsync-Forwarded-By", FORWARDED_BY)
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, error) -> {
            long ms = (System.nanoTime() - sentAt) / 1_000_000;
            if (error != null) {
                return "no answer after " + ms + " ms: " + error;
            }
            String body = response.body();
            return response.statusCode() + " after " + ms + " ms " + (body.length() > 200 ? body.substring(0, 200) : body);
        });
    }
}
