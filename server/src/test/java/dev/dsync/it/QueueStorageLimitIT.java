package dev.dsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The queue's storage limit on real nodes: once the unacknowledged messages fill it, an enqueue gets a
 * 503 that says so (outcome unknown when it carries a request id, which may retry an attempt that went
 * in), nothing is enqueued, and after consumers ack, enqueues go in again. Without the limit a queue
 * grew until every node ran out of heap at the same snapshot.
 */
class QueueStorageLimitIT {
    private static final String VALUE = "v".repeat(200);

    @Test
    void aFullQueueRefusesEnqueuesUntilConsumersAck() throws Exception {
        // Room for 4 messages of about 470 estimated bytes each.
        try (LocalCluster cluster = new LocalCluster("queue", 3, Map.of("QUEUE_MAX_BYTES", "2000"))) {
            cluster.startAll();
            int leader = cluster.port(cluster.awaitLeader(Duration.ofSeconds(20)));
            int accepted = 0;
            TestClient.Response refused = null;
            for (int i = 0; i < 10 && refused == null; i++) {
                String body = enqueue(i, null);
                TestClient.Response r = i == 0 ? cluster.client.postRetrying503(leader, "/queue/enq", body)
                        : cluster.client.post(leader, "/queue/enq", body);
                if (r.status() == 200) {
                    accepted++;
                } else {
                    refused = r;
                }
            }
            // One client, one request at a time: every answered enqueue counts against the limit at once.
            assertEquals(4, accepted, "enqueues accepted before the limit");
            assertEquals(503, refused.status(), refused.raw());
            assertTrue(refused.body().path("error").asText().startsWith("queue storage full"), refused.raw());
            assertFalse(refused.body().has("outcome"), "an enqueue without a request id certainly did not happen: " + refused.raw());

            TestClient.Response withId = cluster.client.post(leader, "/queue/enq", enqueue(99, "r99"));
            assertEquals(503, withId.status(), withId.raw());
            assertEquals("unknown", withId.body().path("outcome").asText(), withId.raw());

            TestClient.Response stats = cluster.client.get(leader, "/queue/stats?queue=full");
            assertEquals(accepted, stats.body().path("depth").asInt(), "refused enqueues changed nothing: " + stats.raw());

            TestClient.Response delivery = cluster.client.post(leader, "/queue/deq", "{\"queue\":\"full\"}");
            assertEquals(200, delivery.status(), delivery.raw());
            TestClient.Response ack = cluster.client.post(leader, "/queue/ack", "{\"msg_id\":" + delivery.body().path("msg_id").asLong()
                    + ",\"receipt\":\"" + delivery.body().path("receipt").asText() + "\"}");
            assertEquals(200, ack.status(), ack.raw());
            // The answered ack has freed its room on the leader already: no retry needed.
            TestClient.Response again = cluster.client.post(leader, "/queue/enq", enqueue(100, null));
            assertEquals(200, again.status(), "an ack made room: " + again.raw());
        }
    }

    private static String enqueue(int n, String requestId) {
        return "{\"queue\":\"full\",\"key\":\"k" + n + "\",\"value\":\"" + VALUE + "\""
                + (requestId == null ? "" : ",\"client_id\":\"c\",\"request_id\":\"" + requestId + "\"") + "}";
    }
}
