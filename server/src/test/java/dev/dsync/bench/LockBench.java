package dev.dsync.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.it.LocalCluster;
import dev.dsync.it.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * {@code make bench}: starts a 3-node lock cluster from the shaded jar on free loopback ports and
 * measures failover time, single-client acquire+release latency, and acquire+release throughput
 * with 8 clients on distinct keys and on one shared key. Every loop is bounded in count and time.
 * Writes bench-results/lock-TIMESTAMP.json and prints a summary.
 */
public final class LockBench {
    private static final int LATENCY_CYCLES = 400;
    private static final int WARMUP_CYCLES = 100;
    private static final Duration THROUGHPUT_WINDOW = Duration.ofSeconds(5);
    private static final int FAILOVER_TRIALS = 5;

    public static void main(String[] args) throws Exception {
        ObjectNode results = BenchSupport.JSON.createObjectNode();
        try (LocalCluster cluster = new LocalCluster("lock", 3, Map.of())) {
            cluster.startAll();
            String leader = cluster.awaitLeader(Duration.ofSeconds(20));
            int port = cluster.port(leader);
            TestClient client = new TestClient();

            cycle(client, port, "warm", "warm-0", WARMUP_CYCLES);
            List<Long> latencies = new ArrayList<>();
            for (int i = 0; i < LATENCY_CYCLES; i++) {
                long t0 = System.nanoTime();
                cycle(client, port, "lat", "lat-client", 1);
                latencies.add(System.nanoTime() - t0);
            }
            Collections.sort(latencies);
            results.put("single_client_cycle_p50_ms", BenchSupport.percentileMs(latencies, 0.50));
            results.put("single_client_cycle_p99_ms", BenchSupport.percentileMs(latencies, 0.99));
            results.put("distinct_keys_8_clients_cycles_per_s", throughput(cluster, port, 8, false));
            results.put("shared_key_8_clients_cycles_per_s", throughput(cluster, port, 8, true));

            List<Long> failovers = new ArrayList<>();
            for (int trial = 0; trial < FAILOVER_TRIALS; trial++) {
                failovers.add(failoverMs(cluster, client));
            }
            Collections.sort(failovers);
            results.put("failover_ms_median", failovers.get(failovers.size() / 2));
            results.set("failover_ms_trials", BenchSupport.JSON.valueToTree(failovers));
        }
        BenchSupport.write("lock", results);
    }

    private static void cycle(TestClient client, int port, String key, String clientId, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            BenchSupport.expect(200, client.post(port, "/lock/acquire", "{\"key\":\"" + key + "\",\"mode\":\"X\",\"client_id\":\"" + clientId + "\",\"wait_ms\":5000}"));
            BenchSupport.expect(200, client.post(port, "/lock/release", "{\"key\":\"" + key + "\",\"client_id\":\"" + clientId + "\"}"));
        }
    }

    private static double throughput(LocalCluster cluster, int port, int clients, boolean sharedKey) throws Exception {
        return BenchSupport.throughput(clients, THROUGHPUT_WINDOW, (client, c) -> {
            cycle(client, port, sharedKey ? "shared" : "own-" + c, (sharedKey ? "sh-" : "own-") + c, 1);
            return true;
        });
    }

    /** Kill -9 the leader; time until a write is acknowledged by the new leader; restart the node. */
    private static long failoverMs(LocalCluster cluster, TestClient client) throws Exception {
        String leader = cluster.awaitLeader(Duration.ofSeconds(20));
        String survivor = cluster.anyFollower(leader);
        cluster.kill(leader);
        long killedAt = System.nanoTime();
        long deadline = killedAt + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            TestClient.Response r = client.post(cluster.port(survivor), "/lock/acquire",
                    "{\"key\":\"failover\",\"mode\":\"S\",\"client_id\":\"probe\",\"ttl_ms\":1000}");
            if (r.status() == 200) {
                long ms = (System.nanoTime() - killedAt) / 1_000_000;
                cluster.start(leader);
                cluster.awaitLeader(Duration.ofSeconds(20));
                Thread.sleep(500);
                return ms;
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("no write acknowledged within 30 s of the leader's kill");
    }
}
