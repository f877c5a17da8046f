package dev.dsync.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.http.ApiException;
import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.http.LeaderForwarder;
import dev.dsync.http.Route;
import dev.dsync.http.Router;
import dev.dsync.node.Replica;
import dev.dsync.node.RequestWaiter;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.statemachine.CommandCodec;
import io.prometheus.metrics.core.metrics.Counter;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * The cache's HTTP endpoints. Any node serves every client endpoint: a get is answered from the
 * node's own line when its lease allows (a hit), else read through the leader (a miss); a write is
 * committed through the leader with this node as the writer, and answered once this node's own
 * line reflects it. The peer endpoints are what nodes ask of the leader on each other's behalf.
 */
final class CacheEndpoints {
    static final String PEER_LEASE = "/cache/peer/lease";
    static final String PEER_READ = "/cache/peer/read";
    static final String PEER_WRITE = "/cache/peer/write";

    private final String nodeId;
    private final Replica replica;
    private final RequestWaiter waiter;
    private final LeaderForwarder leaderCalls;
    private final CacheLeaderOps leaderOps;
    private final LocalLines lines;
    private final Runnable renewLease;
    private final Counter hits;
    private final Counter misses;

    CacheEndpoints(String nodeId, Replica replica, RequestWaiter waiter, LeaderForwarder leaderCalls, CacheLeaderOps leaderOps,
                   LocalLines lines, Runnable renewLease, Counter hits, Counter misses) {
        this.nodeId = nodeId;
        this.replica = replica;
        this.waiter = waiter;
        this.leaderCalls = leaderCalls;
        this.leaderOps = leaderOps;
        this.lines = lines;
        this.renewLease = renewLease;
        this.hits = hits;
        this.misses = misses;
    }

    List<Route> routes() {
        return List.of(
                Route.local("POST", "/cache/get", request -> get(request.requiredString("key"))),
                Route.local("POST", "/cache/put", request -> write(request,
                        new CacheCommand.Put(request.requiredString("key"), value(request, "val"), nodeId))),
                Route.local("POST", "/cache/cas", request -> write(request, new CacheCommand.Cas(request.requiredString("key"),
                        expected(request), value(request, "val"), nodeId))),
                Route.local("POST", "/cache/del", request -> write(request, new CacheCommand.Del(request.requiredString("key"), nodeId))),
                Route.local("GET", "/cache/state", request -> ApiResponse.ok(lines.describe(request.queryParam("key"), MonotonicClock.nowMs()))),
                Route.leader("GET", "/cache/directory", request -> {
                    String key = request.queryParam("key");
                    waiter.await(replica.linearizableRead(), waiter.timeoutMs());
                    return ApiResponse.ok(waiter.await(replica.query(sm -> ((CacheStateMachine) sm).directory(key)), waiter.timeoutMs()).value());
                }),
                Route.peer(PEER_LEASE, request -> {
                    LeaseDesk.Grant grant = leaderOps.grantLease(request.requiredString("node"),
                            request.optionalLong("applied", 0, 0, Long.MAX_VALUE));
                    return ApiResponse.ok(grant.body());
                }),
                Route.peer(PEER_READ, request -> leaderOps.read(request.requiredString("key"), request.requiredString("node"))),
                Route.peer(PEER_WRITE, request -> leaderOps.write(decodeWrite(request),
                        request.optionalString("client_id"), request.optionalString("request_id"))));
    }

    private ApiResponse get(String key) throws InterruptedException {
        Line line = lines.hit(key, MonotonicClock.nowMs());
        if (line != null) {
            hits.inc();
            ObjectNode body = ApplyResult.object().put("hit", true);
            body.set("val", line.value());
            return ApiResponse.ok(body.put("state", line.state().name()).put("version", line.version()));
        }
        misses.inc();
        if (replica.isLeader()) {
            return leaderOps.read(key, nodeId);
        }
        ObjectNode ask = ApplyResult.object().put("key", key).put("node", nodeId);
        return leaderCalls.post(replica.leaderId(), PEER_READ, ask, Duration.ofMillis(waiter.timeoutMs() + 1000L));
    }

    /** Put, cas or del with this node as the writer; answered once this node's own line reflects it. */
    private ApiResponse write(ApiRequest request, CacheCommand command) throws InterruptedException {
        String clientId = request.optionalString("client_id");
        String requestId = request.optionalString("request_id");
        long started = System.nanoTime();
        ApiResponse answer = replica.isLeader()
                ? leaderOps.write(command, clientId, requestId)
                : leaderCalls.post(replica.leaderId(), PEER_WRITE, writeRequest(command, clientId, requestId),
                        Duration.ofMillis(waiter.timeoutMs() + 1000L));
        if (answer.status() == 200) {
            long version = answer.body().path("version").asLong();
            long leftMs = Math.max(1, waiter.timeoutMs() - (System.nanoTime() - started) / 1_000_000);
            waiter.await(replica.awaitApplied(version), leftMs);
            // The write is settled at the leader; a renewal now brings a watermark that lets this
            // node serve its new M line, instead of a miss or two until the next period.
            renewLease.run();
        }
        return answer;
    }

    static ObjectNode writeRequest(CacheCommand command, String clientId, String requestId) {
        ObjectNode body = ApplyResult.object();
        try {
            body.set("command", CommandCodec.STRICT_JSON.readTree(command.encode()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot re-read an encoded cache command", e);
        }
        if (clientId != null) {
            body.put("client_id", clientId);
        }
        if (requestId != null) {
            body.put("request_id", requestId);
        }
        return body;
    }

    private static CacheCommand decodeWrite(ApiRequest request) {
        // Peer routes accept large bodies (snapshots); a write passed on by a node is a client's, so it keeps the client limit.
        if (request.body().length > Router.MAX_BODY_BYTES + 4096) {
            throw new ApiException(413, "a forwarded cache write is larger than a client request may be");
        }
        JsonNode command = request.json().get("command");
        if (command == null || !command.isObject()) {
            throw ApiException.badRequest("field 'command' must be a cache command object");
        }
        CacheCommand decoded;
        try {
            decoded = CacheCommand.decode(CommandCodec.STRICT_JSON.writeValueAsBytes(command));
        } catch (IllegalArgumentException | IOException e) {
            throw ApiException.badRequest("malformed cache command: " + e.getMessage());
        }
        if (decoded instanceof CacheCommand.Fill || decoded instanceof CacheCommand.DropNode) {
            throw ApiException.badRequest("only put, cas, del and evict may be written by a node");
        }
        return decoded;
    }

    private static JsonNode value(ApiRequest request, String field) {
        JsonNode value = request.requiredValue(field);
        if (value.isNull()) {
            throw ApiException.badRequest("field '" + field + "' must not be null: null means absent (use /cache/del)");
        }
        return value;
    }

    /** JSON null (present) means "only if absent"; a missing field is an error, so a typo cannot mean that. */
    private static JsonNode expected(ApiRequest request) {
        return request.requiredValue("expected");
    }
}
