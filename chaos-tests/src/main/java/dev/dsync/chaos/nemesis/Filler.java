package dev.dsync.chaos.nemesis;

import dev.dsync.chaos.cluster.Cluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Writes a shape sends a node to lengthen its log: keys, a queue or cache lines of their own
 * ({@code nemesis-filler...}) that no workload reads, not in the history, answers not awaited. They
 * change nothing a checker judges, whether they commit or are lost.
 */
final class Filler {
    private final Cluster cluster;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500))
            .version(HttpClient.Version.HTTP_1_1).build();

    Filler(Cluster cluster) {
        this.cluster = cluster;
    }

    /** Sends {@code count} writes to {@code node} at once, numbered from {@code first}. */
    void send(String node, int first, int count) {
        URI base = cluster.clientUrl(node);
        for (int i = first; i < first + count; i++) {
            String[] call = call(cluster.service(), i);
            HttpRequest request = HttpRequest.newBuilder(base.resolve(call[0])).timeout(Duration.ofSeconds(3))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(call[1])).build();
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        }
    }

    private static String[] call(String service, int i) {
        return switch (service) {
            case "lock" -> new String[] {"/lock/acquire",
                    "{\"key\":\"nemesis-filler-" + i + "\",\"mode\":\"S\",\"client_id\":\"nemesis-filler\",\"ttl_ms\":1000}"};
            case "queue" -> new String[] {"/queue/enq", "{\"queue\":\"nemesis-filler\",\"key\":\"f" + i + "\",\"value\":" + i + "}"};
            case "cache" -> new String[] {"/cache/put", "{\"key\":\"nemesis-filler-" + i + "\",\"val\":" + i + "}"};
            default -> throw new IllegalArgumentException("no filler write for service " + service);
        };
    }
}
