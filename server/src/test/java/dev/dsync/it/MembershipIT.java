package dev.dsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Dynamic membership with real processes: a fourth lock node started with --join and the admin
 * token adds itself, catches up and becomes a voter, and serves; a fifth is added by a POST before
 * it starts; the fourth, restarted on its data, keeps its place; the leader is removed with DELETE
 * (it hands over first), a new leader serves, and the removed node refuses service requests.
 */
class MembershipIT {
    private static final String TOKEN = "t0ken";
    private static final String AUTH = "Bearer " + TOKEN;

    @Test
    void aNodeJoinsBecomesAVoterAndTheLeaderIsRemoved() throws Exception {
        try (LocalCluster cluster = new LocalCluster("lock", 3, Map.of("ADMIN_TOKEN", TOKEN))) {
            cluster.startAll();
            String leader = cluster.awaitLeader(Duration.ofSeconds(20));
            String follower = cluster.anyFollower(leader);
            TestClient client = cluster.client;
            for (int i = 0; i < 5; i++) { // something for the new node to catch up with
                assertEquals(200, client.postRetrying503(cluster.port(leader), "/lock/acquire",
                        "{\"key\":\"before-" + i + "\",\"mode\":\"X\",\"client_id\":\"c\"}").status());
            }
            TestClient.Response anonymous = client.post(cluster.port(follower), "/cluster/members",
                    "{\"id\":\"lock-4\",\"url\":\"http://127.0.0.1:1\"}");
            assertEquals(401, anonymous.status(), anonymous.raw());

            cluster.addNode("lock-4");
            cluster.startJoining("lock-4", follower, Map.of());
            JsonNode lock4 = awaitMember(client, cluster.port(follower), "lock-4", "voter", Duration.ofSeconds(20));
            assertEquals("http://127.0.0.1:" + cluster.port("lock-4"), lock4.path("url").asText());
            assertTrue(lock4.path("match_index").asLong() > 5, "no match index from the leader: " + lock4);

            TestClient.Response viaNewNode = client.postRetrying503(cluster.port("lock-4"), "/lock/acquire",
                    "{\"key\":\"through-4\",\"mode\":\"X\",\"client_id\":\"d\"}");
            assertEquals(200, viaNewNode.status(), viaNewNode.raw());
            JsonNode health4 = cluster.health("lock-4").orElseThrow();
            assertEquals(4, health4.path("members").size(), health4.toString());
            assertFalse(health4.path("removed").asBoolean());

            // The other order: the members are told first, then the node starts (without the token).
            cluster.addNode("lock-5");
            TestClient.Response added = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.port(follower)
                    + "/cluster/members")).header("Authorization", AUTH).POST(HttpRequest.BodyPublishers.ofString(
                    "{\"id\":\"lock-5\",\"url\":\"http://127.0.0.1:" + cluster.port("lock-5") + "\"}")));
            assertEquals(202, added.status(), added.raw());
            assertEquals("learner", added.body().path("role").asText());
            cluster.startJoining("lock-5", follower, Map.of("ADMIN_TOKEN", ""));
            awaitMember(client, cluster.port("lock-4"), "lock-5", "voter", Duration.ofSeconds(20));

            // A joined node restarted on its data keeps its place (it does not join again).
            cluster.kill("lock-4");
            cluster.startJoining("lock-4", follower, Map.of());
            for (int i = 0; i < 200 && cluster.health("lock-4").isEmpty(); i++) {
                Thread.sleep(50);
            }
            TestClient.Response afterRestart = client.postRetrying503(cluster.port("lock-4"), "/lock/acquire",
                    "{\"key\":\"restarted-4\",\"mode\":\"X\",\"client_id\":\"d\"}");
            assertEquals(200, afterRestart.status(), afterRestart.raw());
            JsonNode restarted = cluster.health("lock-4").orElseThrow();
            assertEquals("voter", roleIn(restarted, "lock-4"), restarted.toString());

            TestClient.Response removed = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + cluster.port(leader) + "/cluster/members/" + leader))
                    .header("Authorization", AUTH).DELETE());
            assertEquals(200, removed.status(), removed.raw());
            assertEquals(leader, removed.body().path("id").asText());

            String newLeader = cluster.awaitLeader(Duration.ofSeconds(10));
            assertNotEquals(leader, newLeader);
            TestClient.Response served = client.postRetrying503(cluster.port("lock-4"), "/lock/acquire",
                    "{\"key\":\"after\",\"mode\":\"X\",\"client_id\":\"e\"}");
            assertEquals(200, served.status(), served.raw());
            JsonNode status = client.get(cluster.port(newLeader), "/lock/status?key=through-4").body();
            assertEquals("d", status.path("holders").path(0).path("client_id").asText(), status.toString());
            JsonNode members = client.get(cluster.port("lock-4"), "/cluster/members").body();
            assertEquals(4, members.path("members").size(), members.toString());
            assertFalse(members.toString().contains("\"" + leader + "\""), members.toString());

            TestClient.Response refused = client.post(cluster.port(leader), "/lock/acquire",
                    "{\"key\":\"x\",\"mode\":\"X\",\"client_id\":\"f\"}");
            for (int i = 0; i < 50 && refused.status() != 410; i++) { // until it learns its removal committed
                Thread.sleep(100);
                refused = client.post(cluster.port(leader), "/lock/acquire", "{\"key\":\"x\",\"mode\":\"X\",\"client_id\":\"f\"}");
            }
            assertEquals(410, refused.status(), refused.raw());
            assertEquals("this node was removed from the cluster", refused.body().path("error").asText());
            JsonNode oldHealth = cluster.health(leader).orElseThrow();
            assertTrue(oldHealth.path("removed").asBoolean(), oldHealth.toString());
        }
    }

    private static String roleIn(JsonNode health, String id) {
        for (JsonNode m : health.path("members")) {
            if (m.path("id").asText().equals(id)) {
                return m.path("role").asText();
            }
        }
        return null;
    }

    /** Polls GET /cluster/members at {@code port} until {@code id} has {@code role}; returns its entry. */
    private static JsonNode awaitMember(TestClient client, int port, String id, String role, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            TestClient.Response r = client.get(port, "/cluster/members");
            last = r.raw();
            if (r.status() == 200) {
                for (JsonNode m : r.body().path("members")) {
                    if (m.path("id").asText().equals(id) && m.path("role").asText().equals(role)) {
                        return m;
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError(id + " did not become a " + role + " within " + timeout + "; last answer " + last);
    }
}
