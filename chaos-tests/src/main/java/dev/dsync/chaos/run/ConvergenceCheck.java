package dev.dsync.chaos.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dsync.chaos.cluster.Cluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Replicas must converge: after the final heal and the end of the load, every node's state digest
 * ({@code GET /debug/digest}) must be the same at the same applied index. The history checker
 * judges what clients saw; this catches what they did not see yet — a replica whose state machine
 * made something else of the same log (an apply that reads a clock or iterates a hash map) and
 * that would answer differently once it leads.
 *
 * <p>Nodes are polled together until all of them report one applied index (a lagging node has to
 * catch up; leader duties such as lease expiry may still move the index for a while), bounded by a
 * time limit. Every pair of reports at an equal index is compared, not only the final round's, so a
 * divergence seen in passing is not lost.
 *
 * <p>Only the members of the final configuration are compared ({@link Cluster#nodeIds()}, which the
 * membership nemesis keeps at the configuration the leader reports): a removed node stops at its
 * removal and is not expected to catch up, and it was stopped anyway.
 */
final class ConvergenceCheck {
    /** How the check ended; {@code problem} is null when the replicas converged. */
    record Outcome(String verdict, long index, List<String> members, Map<String, Report> lastReports, String problem) {
        static final String CONVERGED = "converged";
        static final String DIVERGED = "diverged";
        static final String NOT_CAUGHT_UP = "not-caught-up";

        boolean converged() {
            return CONVERGED.equals(verdict);
        }
    }

    /** One node's answer: its applied index and the digest of its state there. */
    record Report(long appliedIndex, String digest) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL_EVERY = Duration.ofMillis(100);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private final Cluster cluster;

    ConvergenceCheck(Cluster cluster) {
        this.cluster = cluster;
    }

    Outcome await(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        // Applied index -> node -> digest, every report seen.
        Map<Long, Map<String, String>> seen = new TreeMap<>();
        Map<String, Report> last = new TreeMap<>();
        Map<String, String> unreachable = new TreeMap<>();
        List<String> members = cluster.nodeIds();
        while (true) {
            for (String id : members) {
                try {
                    Report r = ask(id);
                    last.put(id, r);
                    unreachable.remove(id);
                    seen.computeIfAbsent(r.appliedIndex(), i -> new TreeMap<>()).put(id, r.digest());
                } catch (Exception e) {
                    unreachable.put(id, e.getMessage() == null ? e.toString() : e.getMessage());
                }
            }
            for (Map.Entry<Long, Map<String, String>> at : seen.entrySet()) {
                if (at.getValue().values().stream().distinct().count() > 1) {
                    return new Outcome(Outcome.DIVERGED, at.getKey(), members, last, "replicas diverged at applied index "
                            + at.getKey() + ": " + groups(at.getValue()));
                }
            }
            List<Long> indexes = last.values().stream().map(Report::appliedIndex).distinct().toList();
            if (last.size() == members.size() && unreachable.isEmpty() && indexes.size() == 1) {
                return new Outcome(Outcome.CONVERGED, indexes.getFirst(), members, last, null);
            }
            if (System.nanoTime() >= deadline) {
                return new Outcome(Outcome.NOT_CAUGHT_UP, -1, members, last, "replicas not at one applied index within "
                        + limit.toSeconds() + " s of the end of the load: " + positions(last, unreachable));
            }
            Thread.sleep(POLL_EVERY.toMillis());
        }
    }

    private Report ask(String id) throws Exception {
        URI uri = cluster.clientUrl(id).resolve("/debug/digest");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + r.statusCode() + " " + r.body());
        }
        JsonNode body = JSON.readTree(r.body());
        if (!body.path("applied_index").canConvertToLong() || !body.path("digest").isTextual()) {
            throw new IllegalStateException("not a digest report: " + r.body());
        }
        return new Report(body.get("applied_index").asLong(), body.get("digest").asText());
    }

    /** "n1, n2 have 3fa9c1d2e4b5; n3 has 77e0a1b2c3d4": which nodes agree with which. */
    private static String groups(Map<String, String> digestByNode) {
        Map<String, List<String>> nodesByDigest = new TreeMap<>();
        digestByNode.forEach((node, digest) -> nodesByDigest.computeIfAbsent(digest, d -> new ArrayList<>()).add(node));
        StringJoiner text = new StringJoiner("; ");
        nodesByDigest.forEach((digest, nodes) -> text.add(String.join(", ", nodes)
                + (nodes.size() == 1 ? " has " : " have ") + digest.substring(0, Math.min(12, digest.length()))));
        return text.toString();
    }

    private static String positions(Map<String, Report> last, Map<String, String> unreachable) {
        StringJoiner text = new StringJoiner(", ");
        last.forEach((node, r) -> text.add(node + " at " + r.appliedIndex()));
        unreachable.forEach((node, why) -> text.add(node + " unreachable (" + why + ")"));
        return text.toString();
    }
}
