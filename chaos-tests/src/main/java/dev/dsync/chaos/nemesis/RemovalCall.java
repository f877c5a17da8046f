package dev.dsync.chaos.nemesis;

import dev.dsync.chaos.cluster.Cluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * An operator's {@code DELETE /cluster/members/{id}} sent to one node, marked as forwarded so that a node
 * which does not lead when it arrives refuses it instead of passing it on: the shapes that use it ask a
 * leader they have just cut off, and a change made by a real majority elsewhere would be no fault.
 * The answer is awaited up to {@link #ANSWER_LIMIT}: a node retries a change it refused for now until its
 * request timeout (2 s in chaos runs, ChaosMain), so once answered it no longer acts on it.
 */
final class RemovalCall {
    static final Duration ANSWER_LIMIT = Duration.ofMillis(3_500);
    private static final String FORWARDED_BY = "chaos-nemesis";

    private final Cluster cluster;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500))
            .version(HttpClient.Version.HTTP_1_1).build();

    RemovalCall(Cluster cluster) {
        this.cluster = cluster;
    }

    /**
     * The answer to one removal: {@code status} -1 if none came (then {@code body} says why), after
     * {@code ms} from sending.
     */
    record Answer(int status, long ms, String body) {
        boolean acknowledged() {
            return status == 200;
        }

        @Override
        public String toString() {
            return (status < 0 ? "no answer" : String.valueOf(status)) + " after " + ms + " ms " + body;
        }
    }

    /** {@code via}'s answer to removing {@code id}. */
    CompletableFuture<Answer> send(String via, String id) {
        long sentAt = System.nanoTime();
        URI uri = cluster.clientUrl(via).resolve("/cluster/members/" + id);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(ANSWER_LIMIT).DELETE()
                .header("Authorization", "Bearer " + cluster.adminToken().orElseThrow())
                .header("X-Dsync-Forwarded-By", FORWARDED_BY)
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, error) -> {
            long ms = (System.nanoTime() - sentAt) / 1_000_000;
            if (error != null) {
                return new Answer(-1, ms, error.toString());
            }
            String body = response.body();
            return new Answer(response.statusCode(), ms, body.length() > 200 ? body.substring(0, 200) : body);
        });
    }
}
