package dev.dsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With CLUSTER_TOKEN set, members still form a cluster, and peer requests without it get 401. */
class ClusterTokenIT {

    @Test
    void peerEndpointsRequireTheClusterToken() throws Exception {
        try (LocalCluster cluster = new LocalCluster("lock", 3, Map.of("CLUSTER_TOKEN", "s3cret"))) {
            cluster.startAll();
            String leader = cluster.awaitLeader(Duration.ofSeconds(20));
            int port = cluster.port(leader);
            TestClient.Response forged = cluster.client.postRetrying503(port, "/raft/stream", "forged frames");
            assertEquals(401, forged.status(), forged.raw());
            TestClient.Response granted = cluster.client.postRetrying503(cluster.port(cluster.anyFollower(leader)), "/lock/acquire",
                    "{\"key\":\"t\",\"mode\":\"X\",\"client_id\":\"c\"}");
            assertEquals(200, granted.status(), granted.raw());
        }
    }
}
