package dev.dsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Kill -9 and graceful stop of the leader: a new leader serves and no acknowledged write is lost. */
class LockFailoverIT {
    private LocalCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = new LocalCluster("lock", 3, Map.of());
        cluster.startAll();
        cluster.awaitLeader(Duration.ofSeconds(20));
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    private Map<String, Long> acquireMany(int port, int n) throws Exception {
        Map<String, Long> fences = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            TestClient.Response r = cluster.client.postRetrying503(port, "/lock/acquire",
                    "{\"key\":\"k" + i + "\",\"mode\":\"X\",\"client_id\":\"owner-" + i + "\"}");
            assertEquals(200, r.status(), r.raw());
            fences.put("k" + i, r.body().path("fence").asLong());
        }
        return fences;
    }

    private void assertStillHeld(int port, Map<String, Long> fences) throws Exception {
        int i = 0;
        for (var e : fences.entrySet()) {
            JsonNode status = cluster.client.get(port, "/lock/status?key=" + e.getKey()).body();
            JsonNode holder = status.path("holders").path(0);
            assertEquals("owner-" + i++, holder.path("client_id").asText(), status.toString());
            assertEquals(e.getValue().longValue(), holder.path("fence").asLong(), status.toString());
        }
    }

    @Test
    void killingTheLeaderLosesNoAcknowledgedLock() throws Exception {
        String oldLeader = cluster.awaitLeader(Duration.ofSeconds(10));
        Map<String, Long> fences = acquireMany(cluster.port(oldLeader), 20);
        cluster.kill(oldLeader);
        long killedAt = System.nanoTime();
        int survivor = cluster.port(cluster.anyFollower(oldLeader));
        TestClient.Response first;
        do {
            first = cluster.client.postRetrying503(survivor, "/lock/acquire", "{\"key\":\"after\",\"mode\":\"X\",\"client_id\":\"new\"}");
        } while (first.status() != 200 && System.nanoTime() - killedAt < Duration.ofSeconds(20).toNanos());
        assertEquals(200, first.status(), first.raw());
        System.out.printf("failover: first acknowledged write %d ms after kill -9 of the leader%n",
                (System.nanoTime() - killedAt) / 1_000_000);
        String newLeader = cluster.awaitLeader(Duration.ofSeconds(10));
        assertNotEquals(oldLeader, newLeader);
        assertStillHeld(survivor, fences);

        cluster.start(oldLeader);
        cluster.awaitLeader(Duration.ofSeconds(20));
        assertStillHeld(cluster.port(oldLeader), fences);
    }

    @Test
    void aGracefulStopHandsLeadershipOver() throws Exception {
        String oldLeader = cluster.awaitLeader(Duration.ofSeconds(10));
        Map<String, Long> fences = acquireMany(cluster.port(oldLeader), 5);
        cluster.stop(oldLeader);
        String newLeader = cluster.awaitLeader(Duration.ofSeconds(10));
        assertNotEquals(oldLeader, newLeader);
        assertStillHeld(cluster.port(newLeader), fences);
    }
}
