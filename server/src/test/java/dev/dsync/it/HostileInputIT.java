package dev.dsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.dsync.it.HostileRequests.Expect;
import dev.dsync.it.HostileRequests.Request;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Thousands of seeded hostile requests (broken, deeply nested and oversized bodies, wrong types,
 * huge and negative numbers, odd unicode, wrong methods, paths and query strings) against a real
 * three-node cluster of each service, spread over every node and endpoint. Every answer must be
 * 2xx, 4xx, 503 or 504; every refusal a JSON {"error": ...} naming the problem; an oversized body
 * a 413, never a reset; every node up afterwards; and refused requests must change nothing: the
 * service's state reads are equal before and after, and no batch of them appends to the Raft log.
 * Rerun a failure with -Dfuzz.seed=N (printed); -Dfuzz.requests sets the count per service.
 */
class HostileInputIT {
    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
    private static final int REQUESTS = Integer.getInteger("fuzz.requests", 3000);
    private static final int BATCH = 500;
    private static final int ANSWER_TIMEOUT_MS = 20_000;
    private static final int SENDERS = 4;

    @ParameterizedTest
    @ValueSource(strings = {"lock", "queue", "cache"})
    void hostileRequestsAreRefusedCleanlyAndChangeNothing(String service) throws Exception {
        long seed = SEED ^ service.hashCode();
        System.out.println("HostileInputIT " + service + ": seed " + SEED + " (rerun with -Dfuzz.seed=" + SEED + ")");
        try (LocalCluster cluster = new LocalCluster(service, 3, Map.of("CLUSTER_TOKEN", HostileRequests.TOKEN));
             ExecutorService senders = Executors.newFixedThreadPool(SENDERS)) {
            cluster.startAll();
            cluster.awaitLeader(Duration.ofSeconds(90)); // generous: JVM start-up on a loaded machine
            ClusterState state = new ClusterState(service, cluster);
            state.checkEmptyBodies();
            state.seed();
            ClusterState.Index start = state.awaitQuiet();
            JsonNode before = state.reads();

            HostileRequests generator = new HostileRequests(service, new Random(seed));
            Random nodes = new Random(seed + 1);
            List<String> failures = new ArrayList<>();
            Map<String, Integer> statusCounts = new TreeMap<>();
            long started = System.nanoTime();
            for (int done = 0; done < REQUESTS; done += BATCH) {
                ClusterState.Index batchStart = state.awaitQuiet();
                // The batch's requests are drawn in seed order, then sent by SENDERS clients at once:
                // hostile input arrives concurrently in real life too, and reads wait for ReadIndex rounds.
                List<Callable<Void>> sends = new ArrayList<>();
                for (int i = done; i < Math.min(REQUESTS, done + BATCH); i++) {
                    Request r = generator.next();
                    String node = cluster.ids().get(nodes.nextInt(cluster.ids().size()));
                    int number = i;
                    sends.add(() -> {
                        RawHttp.Answer a = RawHttp.send(cluster.port(node), r.method(), r.target(), r.headers(), r.body(),
                                r.chunked(), ANSWER_TIMEOUT_MS);
                        String problem = problemWith(r, a);
                        synchronized (failures) {
                            statusCounts.merge(r.label() + " " + a.status(), 1, Integer::sum);
                            if (problem != null && failures.size() < 40) {
                                failures.add("#" + number + " to " + node + ": " + problem + "\n    request: " + r.summary()
                                        + "\n    answer: " + a.status() + " "
                                        + abbreviate(a.failure() != null ? a.failure() : a.bodyText()));
                            }
                        }
                        return null;
                    });
                }
                for (Future<Void> sent : senders.invokeAll(sends)) {
                    sent.get(); // a sender's own exception fails the test
                }
                ClusterState.Index batchEnd = state.awaitQuiet();
                // Every request of a batch was refused or was a read: none may append to the log. A
                // new leader appends one entry of its own per term, so elections are allowed for.
                long appended = batchEnd.commitIndex() - batchStart.commitIndex();
                if (appended > batchEnd.term() - batchStart.term()) {
                    failures.add("requests " + done + ".." + (done + BATCH) + " appended " + appended + " log entries (terms "
                            + batchStart.term() + ".." + batchEnd.term() + "); refused requests and reads must append none");
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(Locale.ROOT, "HostileInputIT %s: %d requests in %.1f s; label+status counts %s%n",
                    service, REQUESTS, seconds, statusCounts);

            for (String id : cluster.ids()) {
                assertTrue(cluster.health(id).map(h -> h.path("ok").asBoolean()).orElse(false),
                        id + " is not healthy after the hostile requests; seed " + SEED);
            }
            ClusterState.Index end = state.awaitQuiet();
            JsonNode after = state.reads();
            assertTrue(failures.isEmpty(), failures.size() + " bad answers (seed " + SEED + ", -Dfuzz.seed=" + SEED + "):\n"
                    + String.join("\n", failures));
            assertEquals(before, after, "the service's state changed under refused requests; seed " + SEED);
            assertTrue(end.commitIndex() - start.commitIndex() <= end.term() - start.term(),
                    "log grew from " + start + " to " + end + "; seed " + SEED);
        }
    }

    /** Null if the answer is right for the request, else what is wrong with it. */
    static String problemWith(Request r, RawHttp.Answer a) {
        int s = a.status();
        if (s == RawHttp.RESET) {
            return "no answer (connection reset or closed early)";
        }
        if (r.expect() == Expect.PROTOCOL) {
            return s == 400 ? null : "expected the HTTP layer's 400, got " + s;
        }
        boolean allowed = s >= 200 && s < 300 || s >= 400 && s < 500 || s == 503 || s == 504;
        if (!allowed) {
            return "status " + s + " is outside 2xx/4xx/503/504";
        }
        boolean head = r.method().equals("HEAD");
        JsonNode error = null;
        if (s >= 400 && !head) {
            String type = a.header("Content-Type");
            JsonNode body;
            try {
                body = TestClient.JSON.readTree(a.body());
            } catch (IOException e) {
                return "error answer is not JSON";
            }
            if (type == null || !type.startsWith("application/json") || body == null || !body.isObject()
                    || !body.path("error").isTextual() || body.path("error").asText().isBlank()) {
                return "error answer is not a JSON object with an \"error\" string (Content-Type " + type + ")";
            }
            error = body.path("error");
        }
        boolean leaderUnavailable = s == 503 && (head || error != null && a.bodyText().contains("\"leader\""));
        switch (r.expect()) {
            case TOO_LARGE -> {
                if (s != 413) {
                    return "expected 413 for a " + r.body().length + "-byte body, got " + s;
                }
            }
            case REFUSED -> {
                if (s < 400 || s >= 500 && !leaderUnavailable) {
                    return "expected a refusal (4xx), got " + s;
                }
            }
            case ANY, PROTOCOL -> { }
        }
        if (error != null && s < 500 && !r.hints().isEmpty()) {
            String text = error.asText().toLowerCase(Locale.ROOT);
            if (r.hints().stream().noneMatch(h -> text.contains(h.toLowerCase(Locale.ROOT)))) {
                return "error does not name the problem (expected one of " + r.hints() + ")";
            }
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    /** Reads of one service's state, and the Raft indexes, through the cluster's HTTP API. */
    private static final class ClusterState {
        record Index(long term, long commitIndex) {}

        private final String service;
        private final LocalCluster cluster;
        private final TestClient client;

        ClusterState(String service, LocalCluster cluster) {
            this.service = service;
            this.cluster = cluster;
            this.client = cluster.client;
        }

        private int leaderPort() throws InterruptedException {
            return cluster.port(cluster.awaitLeader(Duration.ofSeconds(30)));
        }

        private int followerPort() throws InterruptedException {
            return cluster.port(cluster.anyFollower(cluster.awaitLeader(Duration.ofSeconds(30))));
        }

        private JsonNode ok(TestClient.Response r) {
            assertEquals(200, r.status(), r.raw());
            return r.body();
        }

        /**
         * Posts a seed write until it is answered 200, retrying 503 and 504 for up to 30 s (start-up on
         * a loaded machine; every seed write is idempotent), and returns the body.
         */
        private JsonNode settled(int port, String path, String body) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            TestClient.Response r = client.postRetrying503(port, path, body);
            while ((r.status() == 503 || r.status() == 504) && System.nanoTime() < deadline) {
                Thread.sleep(200);
                r = client.postRetrying503(port, path, body);
            }
            return ok(r);
        }

        private void refusedNaming(TestClient.Response r, String field) {
            assertEquals(400, r.status(), r.raw());
            assertTrue(r.body().path("error").asText().contains("'" + field + "'"), r.raw());
        }

        /** An empty body means {}: fine where every field is optional, a 400 naming the field where one is required. */
        void checkEmptyBodies() throws Exception {
            int follower = followerPort();
            switch (service) {
                case "lock" -> {
                    refusedNaming(client.postRetrying503(follower, "/lock/acquire", ""), "key");
                    refusedNaming(client.postRetrying503(follower, "/lock/renew", ""), "client_id");
                }
                case "queue" -> {
                    assertTrue(ok(client.postRetrying503(follower, "/queue/deq", "")).path("empty").asBoolean());
                    long id = ok(client.postRetrying503(follower, "/queue/enq", "{\"key\":\"e\",\"value\":1}")).path("msg_id").asLong();
                    JsonNode got = ok(client.postRetrying503(follower, "/queue/deq", ""));
                    assertEquals(id, got.path("msg_id").asLong(), got.toString());
                    ok(client.postRetrying503(follower, "/queue/ack",
                            "{\"msg_id\":" + id + ",\"receipt\":\"" + got.path("receipt").asText() + "\"}"));
                    refusedNaming(client.postRetrying503(follower, "/queue/ack", ""), "msg_id");
                }
                case "cache" -> {
                    refusedNaming(client.postRetrying503(follower, "/cache/get", ""), "key");
                    refusedNaming(client.postRetrying503(follower, "/cache/put", ""), "key");
                }
                default -> throw new IllegalArgumentException(service);
            }
        }

        /** State for the refused requests to leave alone; long leases, so nothing expires during the test. */
        void seed() throws Exception {
            int leader = leaderPort();
            switch (service) {
                case "lock" -> {
                    settled(leader, "/lock/acquire",
                            "{\"key\":\"k1\",\"mode\":\"X\",\"client_id\":\"owner\",\"ttl_ms\":" + HostileEndpoints.DAY_MS + "}");
                    settled(leader, "/lock/acquire",
                            "{\"key\":\"k2\",\"mode\":\"S\",\"client_id\":\"owner\",\"ttl_ms\":" + HostileEndpoints.DAY_MS + "}");
                    // Lone surrogates and NUL are valid in keys and ids: accepted, and logged intact.
                    settled(leader, "/lock/acquire",
                            "{\"key\":\"\\ud800\\u0000\",\"mode\":\"X\",\"client_id\":\"\\udfff\",\"ttl_ms\":" + HostileEndpoints.DAY_MS + "}");
                }
                case "queue" -> {
                    for (String key : List.of("k1", "k2", "k3")) {
                        settled(leader, "/queue/enq", "{\"key\":\"" + key + "\",\"value\":{\"n\":1}}");
                    }
                    settled(leader, "/queue/enq", "{\"key\":\"\\ud800\",\"value\":\"\\u0000\\udc00\"}");
                    settled(leader, "/queue/deq", "{\"visibility_ms\":" + HostileEndpoints.HALF_DAY_MS + "}");
                }
                case "cache" -> {
                    List<String> ids = cluster.ids();
                    settled(cluster.port(ids.get(0)), "/cache/put", "{\"key\":\"k1\",\"val\":{\"v\":1}}");
                    settled(cluster.port(ids.get(1)), "/cache/get", "{\"key\":\"k1\"}");
                    settled(cluster.port(ids.get(2)), "/cache/put", "{\"key\":\"k2\",\"val\":\"\\u0000\\ud800\"}");
                }
                default -> throw new IllegalArgumentException(service);
            }
        }

        /** The state the generated requests could touch had any been accepted: keys k0..k49 and the queues they name. */
        JsonNode reads() throws Exception {
            int leader = leaderPort();
            ArrayNode all = TestClient.JSON.createArrayNode();
            if (service.equals("queue")) {
                for (String queue : List.of("default", "q-1", "a.b_c-D9", "q".repeat(128), "orders")) {
                    all.add(read(leader, "/queue/stats?queue=" + queue));
                }
                return all;
            }
            String path = service.equals("lock") ? "/lock/status?key=" : "/cache/directory?key=";
            for (int k = 0; k < 50; k++) {
                all.add(read(leader, path + "k" + k));
            }
            return all;
        }

        /** A state read, retried on 503 and 504 for up to 30 s (a loaded machine may lose a leader meanwhile). */
        private JsonNode read(int port, String pathAndQuery) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            TestClient.Response r = client.get(port, pathAndQuery);
            while ((r.status() == 503 || r.status() == 504) && System.nanoTime() < deadline) {
                Thread.sleep(200);
                r = client.get(leaderPort(), pathAndQuery);
            }
            return ok(r);
        }

        /** Waits until every node has applied all it committed and all agree, then returns the leader's indexes. */
        Index awaitQuiet() throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            Index previous = null;
            while (System.nanoTime() < deadline) {
                Index seen = agreedIndex();
                if (seen != null && seen.equals(previous)) {
                    return seen;
                }
                previous = seen;
                Thread.sleep(150);
            }
            throw new AssertionError("the " + service + " cluster did not settle within 20 s; seed " + SEED);
        }

        private Index agreedIndex() {
            Index agreed = null;
            for (String id : cluster.ids()) {
                JsonNode h = cluster.health(id).orElse(null);
                if (h == null || h.path("commit_index").asLong() != h.path("applied_index").asLong()) {
                    return null;
                }
                Index mine = new Index(h.path("term").asLong(), h.path("commit_index").asLong());
                if (agreed != null && !agreed.equals(mine)) {
                    return null;
                }
                agreed = mine;
            }
            return agreed;
        }
    }
}
