package dev.dsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Three real lock-node processes on loopback: routing, client semantics, failover, catch-up. */
class LockClusterIT {
    private static LocalCluster cluster;
    private static TestClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster = new LocalCluster("lock", 3, Map.of("SNAPSHOT_EVERY", "50"));
        cluster.startAll();
        client = cluster.client;
        cluster.awaitLeader(Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    private static String acquire(String key, String mode, String clientId) {
        return "{\"key\":\"" + key + "\",\"mode\":\"" + mode + "\",\"client_id\":\"" + clientId + "\"}";
    }

    @Test
    void healthReportsOneLeaderThatEveryNodeKnows() throws Exception {
        String leader = cluster.awaitLeader(Duration.ofSeconds(10));
        for (String id : cluster.ids()) {
            JsonNode h = cluster.health(id).orElseThrow();
            assertEquals(id, h.path("id").asText());
            assertEquals("lock", h.path("service").asText());
            assertEquals(leader, h.path("leader").asText());
            assertEquals(id.equals(leader) ? 2 : 0, h.path("role").asInt());
            assertEquals(id.equals(leader) ? "leader" : "follower", h.path("role_name").asText());
            assertTrue(h.path("term").asLong() >= 1);
        }
    }

    @Test
    void followerForwardsWritesAndReadsToTheLeader() throws Exception {
        String leader = cluster.awaitLeader(Duration.ofSeconds(10));
        int follower = cluster.port(cluster.anyFollower(leader));
        TestClient.Response granted = client.postRetrying503(follower, "/lock/acquire", acquire("fwd", "X", "c-fwd"));
        assertEquals(200, granted.status(), granted.raw());
        assertTrue(granted.body().path("granted").asBoolean());
        assertEquals(leader, granted.leaderHeader());
        TestClient.Response status = client.get(follower, "/lock/status?key=fwd");
        assertEquals(200, status.status(), status.raw());
        assertEquals("c-fwd", status.body().path("holders").path(0).path("client_id").asText());
        assertEquals(200, client.postRetrying503(follower, "/lock/release", "{\"key\":\"fwd\",\"client_id\":\"c-fwd\"}").status());
    }

    @Test
    void badInputGetsANamedErrorAndChangesNothing() throws Exception {
        int port = cluster.port(cluster.awaitLeader(Duration.ofSeconds(10)));
        Map<String, Integer> cases = new LinkedHashMap<>();
        cases.put("{not json", 400);
        cases.put("[1,2]", 400);
        cases.put("{\"mode\":\"X\",\"client_id\":\"c\"}", 400);
        cases.put("{\"key\":\"bad\",\"mode\":\"Y\",\"client_id\":\"c\"}", 400);
        cases.put("{\"key\":\"bad\",\"mode\":\"X\",\"client_id\":\"c\",\"ttl_ms\":\"soon\"}", 400);
        cases.put("{\"key\":\"bad\",\"mode\":\"X\",\"client_id\":\"c\",\"wait_ms\":-1}", 400);
        for (var c : cases.entrySet()) {
            TestClient.Response r = client.postRetrying503(port, "/lock/acquire", c.getKey());
            assertEquals(c.getValue(), r.status(), c.getKey() + " -> " + r.raw());
            assertTrue(r.body().path("error").asText().length() > 5, r.raw());
        }
        assertTrue(client.postRetrying503(port, "/lock/acquire", "{\"mode\":\"X\",\"client_id\":\"c\"}").body().path("error").asText().contains("key"));
        assertEquals(413, client.post(port, "/lock/acquire", new byte[(1 << 20) + 10]).status());
        assertEquals(405, client.get(port, "/lock/acquire").status());
        assertEquals(404, client.postRetrying503(port, "/lock/nothing", "{}").status());
        assertEquals(404, client.postRetrying503(port, "/lock/release", "{\"key\":\"bad\",\"client_id\":\"c\"}").status());
        JsonNode status = client.get(port, "/lock/status?key=bad").body();
        assertEquals(0, status.path("holders").size(), status.toString());
        assertEquals(0, status.path("waiters").size(), status.toString());
    }

    @Test
    void aRetriedRequestIdIsAppliedOnceAndGetsTheFirstAnswer() throws Exception {
        int port = cluster.port(cluster.awaitLeader(Duration.ofSeconds(10)));
        String first = "{\"key\":\"idem\",\"mode\":\"X\",\"client_id\":\"c-idem\",\"request_id\":\"r1\"}";
        TestClient.Response granted = client.postRetrying503(port, "/lock/acquire", first);
        assertEquals(200, granted.status(), granted.raw());
        assertEquals(200, client.postRetrying503(port, "/lock/release", "{\"key\":\"idem\",\"client_id\":\"c-idem\",\"request_id\":\"r2\"}").status());
        TestClient.Response retried = client.postRetrying503(port, "/lock/acquire", first);
        assertEquals(granted.body(), retried.body());
        assertEquals(0, client.get(port, "/lock/status?key=idem").body().path("holders").size());
    }

    @Test
    void aBlockingAcquireIsGrantedWhenTheHolderReleases() throws Exception {
        int port = cluster.port(cluster.awaitLeader(Duration.ofSeconds(10)));
        assertEquals(200, client.postRetrying503(port, "/lock/acquire", acquire("block", "X", "holder")).status());
        Thread releaser = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(300);
                client.postRetrying503(port, "/lock/release", "{\"key\":\"block\",\"client_id\":\"holder\"}");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        TestClient.Response waited = client.postRetrying503(port, "/lock/acquire",
                "{\"key\":\"block\",\"mode\":\"S\",\"client_id\":\"waiter\",\"wait_ms\":5000}");
        releaser.join();
        assertEquals(200, waited.status(), waited.raw());
        assertEquals("S", waited.body().path("mode").asText());
        TestClient.Response refused = client.postRetrying503(port, "/lock/acquire",
                "{\"key\":\"block\",\"mode\":\"X\",\"client_id\":\"late\",\"wait_ms\":200}");
        assertEquals(409, refused.status(), refused.raw());
        assertEquals(1, client.get(port, "/lock/status?key=block").body().path("holders").size());
    }

    @Test
    void metricsExposeRaftHttpAndLockFamilies() throws Exception {
        int port = cluster.port(cluster.awaitLeader(Duration.ofSeconds(10)));
        client.postRetrying503(port, "/lock/acquire", acquire("m", "S", "c-m"));
        String text = client.get(port, "/metrics").raw();
        for (String family : Stream.of("raft_term", "raft_role", "raft_commit_index", "raft_applied_index",
                "raft_leader_changes_total", "raft_append_batch_size_bucket", "raft_fsync_seconds_bucket",
                "http_requests_total", "http_request_seconds_bucket", "lock_acquire_total", "lock_release_total",
                "lock_held", "lock_waiters", "lock_deadlocks_total", "lock_expired_total").toList()) {
            assertTrue(text.contains(family), "missing " + family + " in\n" + text);
        }
    }

    @Test
    void restartedFollowerCatchesUpBySnapshotAfterCompaction() throws Exception {
        String leader = cluster.awaitLeader(Duration.ofSeconds(10));
        String follower = cluster.anyFollower(leader);
        cluster.kill(follower);
        int port = cluster.port(leader);
        for (int i = 0; i < 120; i++) {
            assertEquals(200, client.postRetrying503(port, "/lock/acquire", acquire("catch-" + (i % 7), "X", "cu-" + i)).status());
            assertEquals(200, client.postRetrying503(port, "/lock/release", "{\"key\":\"catch-" + (i % 7) + "\",\"client_id\":\"cu-" + i + "\"}").status());
        }
        long target = cluster.health(leader).orElseThrow().path("commit_index").asLong();
        cluster.start(follower);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        long applied = -1;
        while (System.nanoTime() < deadline && applied < target) {
            applied = cluster.health(follower).map(h -> h.path("applied_index").asLong()).orElse(-1L);
            Thread.sleep(50);
        }
        assertTrue(applied >= target, "follower applied " + applied + " < " + target);
        try (Stream<java.nio.file.Path> files = Files.walk(cluster.dataDir(follower))) {
            assertTrue(files.anyMatch(p -> p.toString().contains("snap")), "follower holds no snapshot");
        }
    }
}
