package dev.dsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Three real queue-node processes on loopback: delivery semantics end to end, crashes and restarts. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QueueClusterIT {
    private static LocalCluster cluster;
    private static TestClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster = new LocalCluster("queue", 3, Map.of("SNAPSHOT_EVERY", "50"));
        cluster.startAll();
        client = cluster.client;
        cluster.awaitLeader(Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    private static int leaderPort() throws InterruptedException {
        return cluster.port(cluster.awaitLeader(Duration.ofSeconds(20)));
    }

    private static TestClient.Response ok(TestClient.Response r) {
        assertEquals(200, r.status(), r.raw());
        return r;
    }

    private static long enq(int port, String queue, String key, String valueJson) throws IOException {
        String body = "{\"queue\":\"" + queue + "\",\"key\":\"" + key + "\",\"value\":" + valueJson + "}";
        return ok(client.post(port, "/queue/enq", body)).body().path("msg_id").asLong();
    }

    private static JsonNode deq(int port, String queue, String extra) throws IOException {
        return ok(client.post(port, "/queue/deq", "{\"queue\":\"" + queue + "\"" + extra + "}")).body();
    }

    private static int ack(int port, long id, String receipt) throws IOException {
        String r = receipt == null ? "" : ",\"receipt\":\"" + receipt + "\"";
        return client.post(port, "/queue/ack", "{\"msg_id\":" + id + r + "}").status();
    }

    @Test
    @Order(1)
    void enqueueDequeueAckRoundTripThroughAFollower() throws Exception {
        String leader = cluster.awaitLeader(Duration.ofSeconds(10));
        int follower = cluster.port(cluster.anyFollower(leader));
        TestClient.Response enq = ok(client.post(follower, "/queue/enq", "{\"key\":\"k1\",\"value\":{\"n\":1}}"));
        assertEquals(leader, enq.leaderHeader());
        long id = enq.body().path("msg_id").asLong();
        assertTrue(enq.body().path("partition").isInt(), enq.raw());
        JsonNode got = deq(follower, "default", "");
        assertEquals(id, got.path("msg_id").asLong(), got.toString());
        assertEquals("k1", got.path("key").asText());
        assertEquals(1, got.path("value").path("n").asInt());
        assertEquals(1, got.path("delivery_count").asInt());
        assertTrue(deq(follower, "default", "").path("empty").asBoolean(), "one message, one live delivery");
        assertEquals(200, ack(follower, id, got.path("receipt").asText()));
        assertEquals(404, ack(follower, id, got.path("receipt").asText()));
        assertEquals(404, ack(follower, 999_999, null));
    }

    @Test
    @Order(2)
    void anUnackedMessageIsRedeliveredIntactAndAStaleReceiptIsRefused() throws Exception {
        int port = leaderPort();
        long id = enq(port, "redeliver", "rk", "\"payload\"");
        JsonNode first = deq(port, "redeliver", ",\"visibility_ms\":300,\"consumer_id\":\"slow\"");
        assertEquals(id, first.path("msg_id").asLong());
        JsonNode second = deq(port, "redeliver", ",\"wait_ms\":5000");
        assertEquals(id, second.path("msg_id").asLong(), second.toString());
        assertEquals("rk", second.path("key").asText());
        assertEquals("payload", second.path("value").asText());
        assertEquals(2, second.path("delivery_count").asInt());
        TestClient.Response stale = client.post(port, "/queue/ack", "{\"msg_id\":" + id + ",\"receipt\":\"" + first.path("receipt").asText() + "\"}");
        assertEquals(409, stale.status(), stale.raw());
        assertEquals(200, ack(port, id, second.path("receipt").asText()));
    }

    @Test
    @Order(3)
    void aKeysMessagesGoInOrderAndTheNextWaitsForTheAck() throws Exception {
        int port = leaderPort();
        long a1 = enq(port, "ordered", "a", "1");
        long a2 = enq(port, "ordered", "a", "2");
        long b1 = enq(port, "ordered", "b", "1");
        JsonNode first = deq(port, "ordered", "");
        assertEquals(a1, first.path("msg_id").asLong());
        assertEquals(b1, deq(port, "ordered", "").path("msg_id").asLong());
        assertTrue(deq(port, "ordered", "").path("empty").asBoolean(), "a2 must wait for a1's ack");
        assertEquals(200, ack(port, a1, first.path("receipt").asText()));
        assertEquals(a2, deq(port, "ordered", "").path("msg_id").asLong());
    }

    @Test
    @Order(4)
    void afterMaxDeliveriesTheMessageIsDeadLettered() throws Exception {
        int port = leaderPort();
        long id = ok(client.post(port, "/queue/enq", "{\"queue\":\"jobs\",\"key\":\"j\",\"value\":[1,2],\"max_deliveries\":2}"))
                .body().path("msg_id").asLong();
        assertEquals(1, deq(port, "jobs", ",\"visibility_ms\":200").path("delivery_count").asInt());
        assertEquals(2, deq(port, "jobs", ",\"visibility_ms\":200,\"wait_ms\":5000").path("delivery_count").asInt());
        JsonNode dead = deq(port, "jobs.dlq", ",\"wait_ms\":5000");
        assertEquals(id, dead.path("msg_id").asLong(), dead.toString());
        assertEquals("[1,2]", dead.path("value").toString());
        JsonNode stats = ok(client.get(port, "/queue/stats?queue=jobs")).body();
        assertEquals(0, stats.path("depth").asInt(), stats.toString());
        assertEquals(1, stats.path("dead_lettered").asInt(), stats.toString());
        assertEquals(200, ack(port, id, dead.path("receipt").asText()));
    }

    @Test
    @Order(5)
    void aLongPollGetsAMessageEnqueuedWhileItWaits() throws Exception {
        int port = leaderPort();
        Thread producer = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(300);
                enq(port, "poll", "p", "42");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        JsonNode got = deq(port, "poll", ",\"wait_ms\":5000");
        producer.join();
        assertEquals(42, got.path("value").asInt(), got.toString());
        long started = System.nanoTime();
        assertTrue(deq(port, "poll", ",\"wait_ms\":300").path("empty").asBoolean());
        assertTrue(System.nanoTime() - started >= 250_000_000L, "returned before wait_ms");
    }

    @Test
    @Order(6)
    void nackReturnsTheMessageAfterItsDelay() throws Exception {
        int port = leaderPort();
        long id = enq(port, "nacks", "n", "true");
        JsonNode first = deq(port, "nacks", "");
        String nack = "{\"msg_id\":" + id + ",\"receipt\":\"" + first.path("receipt").asText() + "\",\"delay_ms\":400}";
        ok(client.post(port, "/queue/nack", nack));
        assertTrue(deq(port, "nacks", "").path("empty").asBoolean());
        JsonNode again = deq(port, "nacks", ",\"wait_ms\":5000");
        assertEquals(id, again.path("msg_id").asLong());
        assertEquals(2, again.path("delivery_count").asInt());
    }

    @Test
    @Order(7)
    void aRetriedRequestIdEnqueuesOnce() throws Exception {
        int port = leaderPort();
        String body = "{\"queue\":\"idem\",\"key\":\"i\",\"value\":1,\"client_id\":\"p1\",\"request_id\":\"r1\"}";
        TestClient.Response first = ok(client.post(port, "/queue/enq", body));
        assertEquals(first.body(), ok(client.post(port, "/queue/enq", body)).body());
        assertEquals(1, ok(client.get(port, "/queue/stats?queue=idem")).body().path("depth").asInt());
    }

    @Test
    @Order(8)
    void badInputGetsANamedErrorAndChangesNothing() throws Exception {
        int port = leaderPort();
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("/queue/enq {not json", new String[] {"malformed"});
        cases.put("/queue/enq {\"value\":1,\"queue\":\"bad\"}", new String[] {"key"});
        cases.put("/queue/enq {\"key\":\"k\",\"queue\":\"bad\"}", new String[] {"value"});
        cases.put("/queue/enq {\"key\":\"k\",\"value\":1,\"queue\":\"no spaces\"}", new String[] {"queue"});
        cases.put("/queue/enq {\"key\":\"k\",\"value\":1,\"queue\":\"bad.dlq\"}", new String[] {"queue"});
        cases.put("/queue/enq {\"key\":\"k\",\"value\":1,\"queue\":\"bad\",\"max_deliveries\":0}", new String[] {"max_deliveries"});
        cases.put("/queue/enq {\"key\":\"k\",\"value\":1,\"queue\":\"bad\",\"request_id\":\"r\"}", new String[] {"client_id"});
        cases.put("/queue/deq {\"queue\":\"bad\",\"visibility_ms\":0}", new String[] {"visibility_ms"});
        cases.put("/queue/deq {\"queue\":\"bad\",\"wait_ms\":\"long\"}", new String[] {"wait_ms"});
        cases.put("/queue/deq {\"queue\":\"bad\",\"partition\":8}", new String[] {"partition"});
        cases.put("/queue/ack {\"receipt\":\"1-1\"}", new String[] {"msg_id"});
        cases.put("/queue/ack {\"msg_id\":-3}", new String[] {"msg_id"});
        cases.put("/queue/nack {\"msg_id\":1}", new String[] {"receipt"});
        cases.put("/queue/nack {\"msg_id\":1,\"receipt\":\"1-1\",\"delay_ms\":-1}", new String[] {"delay_ms"});
        for (var c : cases.entrySet()) {
            String[] parts = c.getKey().split(" ", 2);
            TestClient.Response r = client.post(port, parts[0], parts[1]);
            assertEquals(400, r.status(), c.getKey() + " -> " + r.raw());
            assertTrue(r.body().path("error").asText().contains(c.getValue()[0]), c.getKey() + " -> " + r.raw());
        }
        assertEquals(400, client.get(port, "/queue/stats?queue=no%20spaces").status());
        assertEquals(405, client.get(port, "/queue/enq").status());
        JsonNode stats = ok(client.get(port, "/queue/stats?queue=bad")).body();
        assertEquals(0, stats.path("depth").asInt(), stats.toString());
        assertEquals(8, stats.path("partitions").size(), stats.toString());
    }

    @Test
    @Order(9)
    void metricsExposeTheQueueFamilies() throws Exception {
        int port = leaderPort();
        enq(port, "metered", "m", "1");
        String text = client.get(port, "/metrics").raw();
        for (String family : Stream.of("queue_enq_total", "queue_deq_total", "queue_ack_total", "queue_redelivered_total",
                "queue_dead_lettered_total", "queue_depth{queue=\"metered\"}", "queue_inflight{queue=\"metered\"}").toList()) {
            assertTrue(text.contains(family), "missing " + family + " in\n" + text);
        }
    }

    @Test
    @Order(10)
    void everyAcknowledgedEnqueueSurvivesKillingTheLeaderAndRestartingTheCluster() throws Exception {
        Map<Long, Integer> expected = new TreeMap<>();
        int port = leaderPort();
        for (int i = 0; i < 40; i++) {
            expected.put(enq(port, "durable", "d" + (i % 5), Integer.toString(i)), i);
        }
        JsonNode inFlight = deq(port, "durable", ",\"visibility_ms\":600000");
        String leader = cluster.awaitLeader(Duration.ofSeconds(10));
        cluster.kill(leader);
        port = leaderPort();
        for (int i = 40; i < 70; i++) {
            expected.put(enq(port, "durable", "d" + (i % 5), Integer.toString(i)), i);
        }
        cluster.start(leader);
        cluster.awaitLeader(Duration.ofSeconds(20));
        for (String id : cluster.ids()) {
            cluster.kill(id);
        }
        cluster.startAll();
        port = leaderPort();
        JsonNode stats = ok(client.get(port, "/queue/stats?queue=durable")).body();
        assertEquals(69, stats.path("depth").asInt(), stats.toString());
        assertEquals(1, stats.path("in_flight").asInt(), stats.toString());
        // The lease survived too: ack the in-flight message with its receipt, then drain the rest.
        assertEquals(200, ack(port, inFlight.path("msg_id").asLong(), inFlight.path("receipt").asText()));
        Map<Long, Integer> seen = new TreeMap<>();
        seen.put(inFlight.path("msg_id").asLong(), inFlight.path("value").asInt());
        JsonNode got;
        while (!(got = deq(port, "durable", "")).path("empty").asBoolean()) {
            seen.put(got.path("msg_id").asLong(), got.path("value").asInt());
            assertEquals(200, ack(port, got.path("msg_id").asLong(), got.path("receipt").asText()));
        }
        assertEquals(expected, seen);
    }
}
