package dev.dsync.chaos.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads nodes' /health through their client links: who leads, is the cluster serving; and the
 * configuration ({@code GET /cluster/members}, which needs no token).
 */
public final class ClusterProbe {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private final Cluster cluster;

    public ClusterProbe(Cluster cluster) {
        this.cluster = cluster;
    }

    public Optional<JsonNode> health(String nodeId) {
        if (!cluster.isRunning(nodeId)) {
            return Optional.empty();
        }
        try {
            URI uri = cluster.clientUrl(nodeId).resolve("/health");
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(500)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** A number from {@code nodeId}'s /health ({@code term}, {@code last_index}, ...), or -1 if it did not answer. */
    public long number(String nodeId, String field) {
        return health(nodeId).map(h -> h.path(field).asLong()).orElse(-1L);
    }

    /** The node that reports itself leader with the highest term, if any answers. */
    public Optional<String> leader() {
        String leader = null;
        long bestTerm = -1;
        for (String id : cluster.nodeIds()) {
            Optional<JsonNode> h = health(id);
            if (h.isPresent() && h.get().path("role").asInt() == 2 && h.get().path("term").asLong() > bestTerm) {
                leader = id;
                bestTerm = h.get().path("term").asLong();
            }
        }
        return Optional.ofNullable(leader);
    }

    /** The /health of a node other than {@code old} that leads in a term above {@code oldTerm}, if one does. */
    public Optional<JsonNode> successorOf(String old, long oldTerm) {
        for (String id : cluster.nodeIds()) {
            if (!id.equals(old)) {
                Optional<JsonNode> h = health(id);
                if (h.isPresent() && h.get().path("role").asInt() == 2 && h.get().path("term").asLong() > oldTerm) {
                    return h;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The configuration as a leader reports it, asked of the members in turn (a follower passes the
     * question to its leader); empty if none answers with a leader's view ({@link Configuration#fromLeader}).
     */
    public Optional<Configuration> configuration() {
        for (String id : cluster.nodeIds()) {
            if (!cluster.isRunning(id)) {
                continue;
            }
            try {
                URI uri = cluster.clientUrl(id).resolve("/cluster/members");
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                Configuration c = r.statusCode() == 200 ? Configuration.parse(JSON.readTree(r.body())) : null;
                if (c != null && c.fromLeader()) {
                    return Optional.of(c);
                }
            } catch (Exception e) {
                // this member cannot say: ask the next
            }
        }
        return Optional.empty();
    }

    /** Waits until some node leads; empty if none does within the timeout. */
    public Optional<String> awaitLeader(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> leader = leader();
            if (leader.isPresent()) {
                return leader;
            }
            Thread.sleep(50);
        }
        return Optional.empty();
    }
}
