package dev.dsync.sim;

import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.node.Futures;
import dev.dsync.node.MembersEndpoints;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A client that sends broken requests now and then, to any node, through the same entry the
 * service's clients use: broken and non-object JSON, missing fields, wrong types, numbers out of
 * range, names the service refuses, unknown paths. Every one must be refused with a 4xx answer
 * that says why ({@code {"error": ...}}), or fail as any request may when no leader is at hand
 * (503, 504), and one refused where it arrived must have proposed nothing there. The node's
 * validation code is what answers: the same that answers the HTTP fuzz test in CI.
 */
final class HostileRequests {
    private static final String LONG = "k".repeat(1100);

    private final Simulation sim;
    private final List<ApiRequest> requests = new ArrayList<>();
    long sent;
    long refused;

    HostileRequests(Simulation sim, String service) {
        this.sim = sim;
        post("/no/such/path", "{}");
        String anyPath = switch (service) {
            case "lock" -> "/lock/acquire";
            case "queue" -> "/queue/ack";
            default -> "/cache/put";
        };
        post(anyPath, " \r\n\t "); // blank: read as {}, so a required field is missing
        post(anyPath, "\u0000\u0000\u0000{"); // NUL bytes first: the JSON parser takes it for UTF-32 and fails to decode
        // The operator's membership calls, with the admin token but broken.
        String admin = "Bearer " + SimEndpoints.ADMIN_TOKEN;
        requests.add(new ApiRequest("POST", MembersEndpoints.PATH, Map.of(), bytes("{\"id\": \"n9\", \"url\": \"ftp://x/y\"}"), false, admin));
        requests.add(new ApiRequest("POST", MembersEndpoints.PATH, Map.of(), bytes("{\"id\": \"no spaces!\", \"url\": \"http://127.0.0.1:9\"}"), false, admin));
        requests.add(new ApiRequest("PUT", MembersEndpoints.PATH, Map.of(), bytes("{}"), false, admin));
        requests.add(new ApiRequest("DELETE", MembersEndpoints.PATH + "/a/b", Map.of(), new byte[0], false, admin));
        requests.add(new ApiRequest("POST", MembersEndpoints.PATH, Map.of(), bytes("{\"id\": \"n9\"}"), false, "Bearer wrong"));
        switch (service) {
            case "lock" -> {
                post("/lock/acquire", "{");
                post("/lock/acquire", "[1, 2]");
                post("/lock/acquire", "{\"key\": \"k\", \"client_id\": \"h\", \"mode\": \"Q\"}");
                post("/lock/acquire", "{\"key\": \"\", \"client_id\": \"h\", \"mode\": \"X\"}");
                post("/lock/acquire", "{\"key\": \"k\", \"client_id\": true, \"mode\": \"X\"}");
                post("/lock/acquire", "{\"key\": \"k\", \"client_id\": \"h\", \"mode\": \"X\", \"ttl_ms\": -5}");
                post("/lock/acquire", "{\"key\": \"k\", \"client_id\": \"h\", \"mode\": \"S\", \"ttl_ms\": \"soon\"}");
                post("/lock/acquire", "{\"key\": \"" + LONG + "\", \"client_id\": \"h\", \"mode\": \"X\"}");
                post("/lock/release", "{}");
                post("/lock/renew", "{\"client_id\": [7]}");
            }
            case "queue" -> {
                post("/queue/enq", "{\"value\": ");
                post("/queue/enq", "\"just a string\"");
                post("/queue/enq", "{\"queue\": \"q.dlq\", \"value\": \"x\"}");
                post("/queue/enq", "{\"queue\": \"\", \"value\": \"x\"}");
                post("/queue/enq", "{\"queue\": \"q\", \"key\": \"k\", \"value\": \"x\", \"request_id\": \"r1\"}");
                post("/queue/enq", "{\"queue\": \"no spaces!\", \"key\": \"k\", \"value\": \"x\"}");
                post("/queue/enq", "{\"queue\": \"q\", \"value\": \"x\", \"max_deliveries\": -1}");
                post("/queue/ack", "{}");
                post("/queue/ack", "{\"msg_id\": 0}");
                post("/queue/ack", "{\"msg_id\": \"one\"}");
                post("/queue/nack", "{\"msg_id\": 1}");
                post("/queue/nack", "{\"msg_id\": 1, \"receipt\": \"r\", \"delay_ms\": -3}");
            }
            default -> {
                post("/cache/put", "{");
                post("/cache/put", "{\"key\": \"k\", \"val\": null}");
                post("/cache/put", "{\"key\": {\"a\": 5}, \"val\": \"v\"}");
                post("/cache/get", "{}");
                post("/cache/del", "{\"key\": \"\"}");
                post("/cache/peer/write", "{\"command\": 5}");
                post("/cache/peer/write", "{\"command\": {\"type\": \"nonsense\"}}");
                post("/cache/peer/write", "{\"command\": {\"op\": \"drop_node\", \"node\": \"n1\"}}"); // only the leader drops a node
                requests.add(new ApiRequest("GET", "/cache/state", Map.of(), new byte[0], false));
            }
        }
    }

    private void post(String path, String body) {
        requests.add(new ApiRequest("POST", path, Map.of(), bytes(body), false));
    }

    private static byte[] bytes(String body) {
        return body.getBytes(StandardCharsets.UTF_8);
    }

    /** Sends one broken request to {@code target} and checks its answer when it comes. */
    void send(SimNode target) {
        ApiRequest request = requests.get(sim.random.nextInt(requests.size()));
        String what = request.method() + " " + request.path() + " " + new String(request.body(), StandardCharsets.UTF_8);
        long lastIndex = target.core.lastIndex();
        int incarnation = target.incarnation;
        sent++;
        var answered = target.endpoints.serve(request, null);
        if (answered.isDone() && target.up() && target.incarnation == incarnation && target.core.lastIndex() != lastIndex) {
            sim.bug(new AssertionError(target.id + " appended to its log while refusing " + what));
        }
        answered.whenComplete((response, error) -> {
            ApiResponse answer;
            try {
                answer = Futures.answer(response, error);
            } catch (RuntimeException bug) {
                sim.bug(new AssertionError(target.id + " failed on " + what + " without an answer: " + bug, bug));
                return;
            }
            int status = answer.status();
            if (status == 503 || status == 504) {
                return; // no leader at hand to judge it: refused as any request may be
            }
            if (status < 400 || status >= 500 || !answer.body().path("error").isTextual()) {
                sim.bug(new AssertionError(target.id + " answered " + what + " with " + status + " " + answer.body()
                        + "; a broken request must get a 4xx answer that names the problem"));
                return;
            }
            refused++;
        });
    }
}
