package dev.dsync.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.it.LocalCluster;
import dev.dsync.it.TestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

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
        ObjectNode results = TestClientJson.object();
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
            results.put("single_client_cycle_p50_ms", percentileMs(latencies, 0.50));
            results.put("single_client_cycle_p99_ms", percentileMs(latencies, 0.99));
            results.put("distinct_keys_8_clients_cycles_per_s", throughput(cluster, port, 8, false));
            results.put("shared_key_8_clients_cycles_per_s", throughput(cluster, port, 8, true));

            List<Long> failovers = new ArrayList<>();
            for (int trial = 0; trial < FAILOVER_TRIALS; trial++) {
                failovers.add(failoverMs(cluster, client));
            }
            Collections.sort(failovers);
            results.put("failover_ms_median", failovers.get(failovers.size() / 2));
            results.set("failover_ms_trials", TestClientJson.array(failovers));
        }
        Path dir = Path.of("bench-results");
        Files.createDirectories(dir);
        Path out = dir.resolve("lock-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".json");
        Files.writeString(out, results.toPrettyString());
        System.out.println(results.toPrettyString());
        System.out.println("written to " + out);
    }

    private static void cycle(TestClient client, int port, String key, String clientId, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            expect(200, client.post(port, "/lock/acquire", "{\"key\":\"" + key + "\",\"mode\":\"X\",\"client_id\":\"" + clientId + "\",\"wait_ms\":5000}"));
            expect(200, client.post(port, "/lock/release", "{\"key\":\"" + key + "\",\"client_id\":\"" + clientId + "\"}"));
        }
    }

    private static void expect(int status, TestClient.Response r) {
        if (r.status() != status) {
            throw new IllegalStateException("expected " + status + " but got " + r.status() + ": " + r.raw());
        }
    }

    private static double throughput(LocalCluster cluster, int port, int clients, boolean sharedKey) throws Exception {
        AtomicLong cycles = new AtomicLong();
        long end = System.nanoTime() + THROUGHPUT_WINDOW.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            String key = sharedKey ? "shared" : "own-" + c;
            String clientId = (sharedKey ? "sh-" : "own-") + c;
            TestClient client = new TestClient();
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 1_000_000 && System.nanoTime() < end; i++) {
                        cycle(client, port, key, clientId, 1);
                        cycles.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        long start = System.nanoTime();
        for (Thread t : threads) {
            t.join();
        }
        return Math.round(cycles.get() / ((System.nanoTime() - start) / 1e9) * 10) / 10.0;
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

    private static double percentileMs(List<Long> sortedNanos, double p) {
        int i = Math.min(sortedNanos.size() - 1, (int) Math.ceil(p * sortedNanos.size()) - 1);
        return Math.round(sortedNanos.get(Math.max(0, i)) / 1e4) / 100.0;
    }

    private static final class TestClientJson {
        static ObjectNode object() {
            return new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        }

        static com.fasterxml.jackson.databind.node.ArrayNode array(List<Long> values) {
            var a = new com.fasterxml.jackson.databind.ObjectMapper().createArrayNode();
            values.forEach(a::add);
            return a;
        }
    }
}
