package dev.dsync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.it.LocalCluster;
import dev.dsync.it.TestClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code make bench BENCH=queue}: a 3-node queue cluster on free loopback ports; enqueue
 * throughput and dequeue+ack throughput with 1 and 32 clients, against the leader. Messages go
 * to 1,000 keys, so per-key ordering does not serialize the consumers.
 */
public final class QueueBench {
    private static final Duration WINDOW = Duration.ofSeconds(5);

    public static void main(String[] args) throws Exception {
        ObjectNode results = BenchSupport.JSON.createObjectNode();
        try (LocalCluster cluster = new LocalCluster("queue", 3, Map.of())) {
            cluster.startAll();
            int port = cluster.port(cluster.awaitLeader(Duration.ofSeconds(20)));
            AtomicLong sequence = new AtomicLong();
            BenchSupport.Step enqueue = (client, c) -> {
                long n = sequence.incrementAndGet();
                BenchSupport.expect(200, client.post(port, "/queue/enq",
                        "{\"queue\":\"bench\",\"key\":\"k" + (n % 1000) + "\",\"value\":" + n + "}"));
                return true;
            };
            BenchSupport.Step dequeueAndAck = (client, c) -> {
                TestClient.Response got = client.post(port, "/queue/deq", "{\"queue\":\"bench\",\"consumer_id\":\"b" + c + "\"}");
                BenchSupport.expect(200, got);
                JsonNode m = got.body();
                if (m.path("empty").asBoolean(false)) {
                    return false;
                }
                BenchSupport.expect(200, client.post(port, "/queue/ack",
                        "{\"msg_id\":" + m.path("msg_id").asLong() + ",\"receipt\":\"" + m.path("receipt").asText() + "\"}"));
                return true;
            };
            BenchSupport.throughput(4, Duration.ofSeconds(2), enqueue); // warm-up
            BenchSupport.throughput(4, Duration.ofSeconds(2), dequeueAndAck);
            results.put("enqueue_1_client_per_s", BenchSupport.throughput(1, WINDOW, enqueue));
            results.put("enqueue_32_clients_per_s", BenchSupport.throughput(32, WINDOW, enqueue));
            // Top the queue up so the consumers never run dry inside their window.
            BenchSupport.throughput(32, WINDOW, enqueue);
            results.put("dequeue_ack_1_client_per_s", BenchSupport.throughput(1, WINDOW, dequeueAndAck));
            results.put("dequeue_ack_32_clients_per_s", BenchSupport.throughput(32, WINDOW, dequeueAndAck));
        }
        BenchSupport.write("queue", results);
    }
}
