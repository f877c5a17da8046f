package dev.dsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.statemachine.StateDigest;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /debug/digest} on real queue nodes: a healthy cluster's replicas report equal digests
 * at equal applied indexes, also a node that was killed, missed writes and caught up from a
 * snapshot; and the digest moves when the state does.
 */
class ReplicaDigestIT {

    @Test
    void healthyReplicasReportEqualDigestsAtEqualIndexes() throws Exception {
        try (LocalCluster cluster = new LocalCluster("queue", 3, Map.of("SNAPSHOT_EVERY", "20"))) {
            cluster.startAll();
            String leader = cluster.awaitLeader(Duration.ofSeconds(20));
            int leaderPort = cluster.port(leader);
            Map<String, JsonNode> before = awaitOneIndex(cluster, Duration.ofSeconds(10));
            JsonNode sample = before.get(leader);
            assertEquals(StateDigest.ALGORITHM, sample.path("algorithm").asText());
            assertEquals(64, sample.path("digest").asText().length());
            assertEquals(leader, sample.path("id").asText());

            String lagging = cluster.anyFollower(leader);
            cluster.kill(lagging);
            for (int i = 0; i < 60; i++) {
                TestClient.Response r = cluster.client.postRetrying503(leaderPort, "/queue/enq",
                        "{\"queue\":\"q\",\"key\":\"k" + (i % 7) + "\",\"value\":{\"n\":" + i + "},\"client_id\":\"c\",\"request_id\":\"r" + i + "\"}");
                assertEquals(200, r.status(), r.raw());
            }
            cluster.start(lagging); // behind by more than SNAPSHOT_EVERY: catches up from a snapshot
            Map<String, JsonNode> after = awaitOneIndex(cluster, Duration.ofSeconds(20));
            assertTrue(after.get(leader).path("applied_index").asLong() > sample.path("applied_index").asLong());
            assertNotEquals(sample.path("digest").asText(), after.get(leader).path("digest").asText(),
                    "60 enqueues did not change the digest");
        }
    }

    /** Polls every node until all report one applied index; asserts their digests are equal there. */
    private static Map<String, JsonNode> awaitOneIndex(LocalCluster cluster, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, JsonNode> reports = new TreeMap<>();
        while (System.nanoTime() < deadline) {
            reports.clear();
            for (String id : cluster.ids()) {
                try {
                    TestClient.Response r = cluster.client.get(cluster.port(id), "/debug/digest");
                    if (r.status() == 200) {
                        reports.put(id, r.body());
                    }
                } catch (java.io.IOException e) {
                    // not up yet
                }
            }
            if (reports.size() == cluster.ids().size()
                    && reports.values().stream().map(b -> b.path("applied_index").asLong()).distinct().count() == 1) {
                assertEquals(1, reports.values().stream().map(b -> b.path("digest").asText()).distinct().count(),
                        "replicas at one applied index report different digests: " + reports);
                return reports;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("replicas did not reach one applied index within " + timeout + ": " + reports);
    }
}
