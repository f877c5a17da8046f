package dev.dsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A follower that was down while the queue grew past several MiB catches up: the snapshot and the
 * appends it needs are far larger than a client request may be (peer messages have their own limit,
 * and appends are capped by bytes).
 */
class LargeSnapshotCatchUpIT {

    @Test
    void aFollowerCatchesUpThroughASnapshotOfSeveralMegabytes() throws Exception {
        try (LocalCluster cluster = new LocalCluster("queue", 3, Map.of("SNAPSHOT_EVERY", "20"))) {
            cluster.startAll();
            String leader = cluster.awaitLeader(Duration.ofSeconds(20));
            String follower = cluster.anyFollower(leader);
            cluster.kill(follower);
            int port = cluster.port(leader);
            String big = "x".repeat(200_000);
            for (int i = 0; i < 40; i++) {
                TestClient.Response r = cluster.client.postRetrying503(port, "/queue/enq",
                        "{\"key\":\"k" + i + "\",\"value\":\"" + big + "\"}");
                assertEquals(200, r.status(), r.raw());
            }
            long target = cluster.health(leader).orElseThrow().path("commit_index").asLong();
            cluster.start(follower);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            long applied = -1;
            while (System.nanoTime() < deadline && applied < target) {
                applied = cluster.health(follower).map(h -> h.path("applied_index").asLong()).orElse(-1L);
                Thread.sleep(100);
            }
            assertTrue(applied >= target, "follower applied " + applied + " of " + target + "; logs in " + cluster.logFile(follower));
        }
    }
}
