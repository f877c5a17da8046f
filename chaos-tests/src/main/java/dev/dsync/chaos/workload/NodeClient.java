package dev.dsync.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** One bench client's HTTP connection to the cluster; never throws, always returns an Outcome. */
public final class NodeClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(1)).version(HttpClient.Version.HTTP_1_1).build();
    private final Duration timeout;

    public NodeClient(Duration timeout) {
        this.timeout = timeout;
    }

    public Outcome post(URI node, String path, JsonNode body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot encode " + body, e);
        }
        return send(HttpRequest.newBuilder(node.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    }

    public Outcome get(URI node, String pathAndQuery) {
        return send(HttpRequest.newBuilder(node.resolve(pathAndQuery)).GET());
    }

    private Outcome send(HttpRequest.Builder request) {
        try {
            return read(http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofByteArray()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.unknown(e);
        } catch (Exception e) {
            return Outcome.unknown(e);
        }
    }

    private static Outcome read(HttpResponse<byte[]> response) {
        JsonNode body;
        try {
            body = response.body().length == 0 ? null : JSON.readTree(response.body());
        } catch (Exception e) {
            return new Outcome(Outcome.Kind.INFO, response.statusCode(), null, "unreadable answer: " + e.getMessage());
        }
        return Outcome.of(response.statusCode(), body);
    }
}
