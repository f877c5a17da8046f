package dev.dsync.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.http.ApiException;
import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.http.LeaderCalls;
import dev.dsync.http.Route;
import dev.dsync.http.Router;
import dev.dsync.node.Futures;
import dev.dsync.node.NodeClock;
import dev.dsync.node.Replica;
import dev.dsync.node.RequestWaiter;
import dev.dsync.node.ServiceContext;
import dev.dsync.node.Timers;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.statemachine.CommandCodec;
import io.prometheus.metrics.core.metrics.Counter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The cache's HTTP endpoints. Any node serves every client endpoint: a get is answered from the
 * node's own line when its lease allows (a hit), else read through the leader (a miss); a write is
 * committed through the leader with this node as the writer, and answered once this node's own
 * line reflects it. The peer endpoints are what nodes ask of the leader on each other's behalf.
 *
 * <p>Every endpoint but the two local views is a future ({@link #call}): the HTTP route only waits
 * for it, and the simulation's clients and peer calls use {@link #call} itself, so both run the
 * same request handling.
 */
final class CacheEndpoints {
    static final String PEER_LEASE = "/cache/peer/lease";
    static final String PEER_READ = "/cache/peer/read";
    static final String PEER_WRITE = "/cache/peer/write";
    /** Client and peer endpoints that run as futures, by path; all are POSTs. */
    static final List<String> CALLS = List.of("/cache/get", "/cache/put", "/cache/cas", "/cache/del", PEER_LEASE, PEER_READ, PEER_WRITE);

    private final String nodeId;
    private final Replica replica;
    private final RequestWaiter waiter;
    private final LeaderCalls leaderCalls;
    private final CacheLeaderOps leaderOps;
    private final LocalLines lines;
    private final NodeClock clock;
    private final Timers timers;
    private final Runnable renewLease;
    private final Counter hits;
    private final Counter misses;

    CacheEndpoints(String nodeId, ServiceContext context, CacheLeaderOps leaderOps, LocalLines lines, Runnable renewLease,
                   Counter hits, Counter misses) {
        this.nodeId = nodeId;
        this.replica = context.replica();
        this.waiter = context.waiter();
        this.leaderCalls = context.leaderCalls();
        this.clock = context.clock();
        this.timers = context.timers();
        this.leaderOps = leaderOps;
        this.lines = lines;
        this.renewLease = renewLease;
        this.hits = hits;
        this.misses = misses;
    }

    List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        Route.Handler handler = waiter.waitingFor(this::call, waiter.timeoutMs() + 1000L);
        for (String path : CALLS) {
            routes.add(path.startsWith("/cache/peer/") ? Route.peer(path, handler) : Route.local("POST", path, handler));
        }
        routes.add(Route.local("GET", "/cache/state", request -> ApiResponse.ok(lines.describe(request.queryParam("key"), clock.monotonicMs()))));
        routes.add(Route.leader("GET", "/cache/directory", request -> {
            String key = request.queryParam("key");
            waiter.await(replica.linearizableRead(), waiter.timeoutMs());
            return ApiResponse.ok(waiter.await(replica.query(sm -> ((CacheStateMachine) sm).directory(key)), waiter.timeoutMs()).value());
        }));
        return routes;
    }

    /**
     * One request to a path of {@link #CALLS}, as the HTTP route hands it over. Bad input fails at
     * once (an {@link ApiException} 4xx); everything else is answered by the future, which fails
     * with an {@link ApiException} for an error answer.
     */
    CompletableFuture<ApiResponse> call(ApiRequest request) {
        return switch (request.path()) {
            case "/cache/get" -> get(request.requiredString("key"));
            case "/cache/put" -> write(request, new CacheCommand.Put(request.requiredString("key"), value(request, "val"), nodeId));
            case "/cache/cas" -> write(request, new CacheCommand.Cas(request.requiredString("key"), expected(request), value(request, "val"), nodeId));
            case "/cache/del" -> write(request, new CacheCommand.Del(request.requiredString("key"), nodeId));
            case PEER_LEASE -> toldTheCommit(request.requiredString("node"),
                    leaderOps.grantLease(request.requiredString("node"), request.optionalLong("applied", 0, 0, Long.MAX_VALUE))
                            .thenApply(grant -> ApiResponse.ok(grant.body())));
            case PEER_READ -> toldTheCommit(request.requiredString("node"), leaderOps.read(request.requiredString("key"), request.requiredString("node")));
            case PEER_WRITE -> {
                CacheCommand command = decodeWrite(request);
                yield toldTheCommit(writerOf(command), leaderOps.write(command, request.optionalString("client_id"), request.optionalString("request_id")));
            }
            default -> throw new ApiException(404, "no cache call " + request.path());
        };
    }

    private CompletableFuture<ApiResponse> get(String key) {
        Line line = lines.hit(key, clock.monotonicMs());
        if (line != null) {
            hits.inc();
            ObjectNode body = ApplyResult.object().put("hit", true);
            body.set("val", line.value());
            return CompletableFuture.completedFuture(ApiResponse.ok(body.put("state", line.state().name()).put("version", line.version())));
        }
        misses.inc();
        CompletableFuture<ApiResponse> read;
        if (replica.isLeader()) {
            read = leaderOps.read(key, nodeId);
        } else {
            ObjectNode ask = ApplyResult.object().put("key", key).put("node", nodeId);
            read = leaderCalls.post(replica.leaderId(), PEER_READ, ask, waiter.timeoutMs() + 1000L);
        }
        return read.thenApply(answer -> {
            if (answer.status() == 200 && !"I".equals(answer.body().path("state").asText("I"))) {
                // The miss installed a copy here, newer than the watermark of this node's lease: a renewal
                // now lets it serve hits, instead of misses until the next period (100 ms).
                renewLease.run();
            }
            return answer;
        });
    }

    /**
     * A peer call's answer, once the asking node has been sent the commit index: it waits to apply what
     * the answer reports (its fill, its write, the lease's read index) before it serves a hit or answers
     * its client, and would otherwise learn the commit only with the next append or heartbeat (measured:
     * a put at a follower p50 13.9 ms, p90 100 ms; the first hit after a miss 97 ms after its answer).
     */
    private CompletableFuture<ApiResponse> toldTheCommit(String node, CompletableFuture<ApiResponse> answer) {
        return answer.thenApply(a -> {
            if (!node.equals(nodeId)) {
                replica.shareCommitWith(node);
            }
            return a;
        });
    }

    private static String writerOf(CacheCommand command) {
        return switch (command) {
            case CacheCommand.Put put -> put.writer();
            case CacheCommand.Cas cas -> cas.writer();
            case CacheCommand.Del del -> del.writer();
            case CacheCommand.Evict evict -> evict.node();
            default -> throw new IllegalStateException("not a node's write: " + command);
        };
    }

    /** Put, cas or del with this node as the writer; answered once this node's own line reflects it. */
    private CompletableFuture<ApiResponse> write(ApiRequest request, CacheCommand command) {
        String clientId = request.optionalString("client_id");
        String requestId = request.optionalString("request_id");
        long startedMs = clock.monotonicMs();
        CompletableFuture<ApiResponse> answer = replica.isLeader()
                ? leaderOps.write(command, clientId, requestId)
                : leaderCalls.post(replica.leaderId(), PEER_WRITE, writeRequest(command, clientId, requestId), waiter.timeoutMs() + 1000L);
        return answer.thenCompose(leaders -> {
            if (leaders.status() != 200) {
                return CompletableFuture.completedFuture(leaders);
            }
            long version = leaders.body().path("version").asLong();
            long leftMs = Math.max(1, waiter.timeoutMs() - (clock.monotonicMs() - startedMs));
            return Futures.within(replica.awaitApplied(version), leftMs, timers).thenApply(applied -> {
                // The write is settled at the leader; a renewal now brings a watermark that lets this
                // node serve its new M line, instead of a miss or two until the next period.
                renewLease.run();
                return leaders;
            });
        });
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
