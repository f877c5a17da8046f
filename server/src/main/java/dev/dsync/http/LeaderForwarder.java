package dev.dsync.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.transport.MemberDirectory;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Sends a client request that only the leader may serve to the leader, once, and returns the
 * leader's answer unchanged. The forwarded request is marked so the receiver never forwards again.
 * Services also use it for their own calls to the leader's peer endpoints ({@link #post}), which
 * carry the cluster token. The leader's address comes from the {@link MemberDirectory}, so a
 * leader that joined after this node started is reached too. A forwarded request keeps its
 * Authorization header (the leader checks the admin token again), and the answer keeps the
 * leader's Retry-After and WWW-Authenticate headers.
 */
public final class LeaderForwarder implements LeaderCalls {
    public static final String FORWARDED_HEADER = "X-Dsync-Forwarded-By";
    /** The leader's own headers that a forwarded answer keeps. */
    private static final List<String> KEPT_HEADERS = List.of("Retry-After", "WWW-Authenticate");

    private final String selfId;
    private final MemberDirectory members;
    private final String clusterToken;
    private final HttpClient http;
    private final Duration timeout;

    public LeaderForwarder(String selfId, Map<String, URI> members, String clusterToken, Duration timeout) {
        this(selfId, MemberDirectory.fixed(members), clusterToken, timeout);
    }

    public LeaderForwarder(String selfId, MemberDirectory members, String clusterToken, Duration timeout) {
        this.selfId = selfId;
        this.members = members;
        this.clusterToken = clusterToken;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2))
                .version(HttpClient.Version.HTTP_1_1)
                .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    public ApiResponse forward(String leaderId, ApiRequest request, String rawQuery) throws InterruptedException {
        String target = request.path() + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery);
        HttpRequest forwarded = request(leaderId, target, request.method(), request.body(), timeout, request.authorization());
        try {
            return answer(http.send(forwarded, HttpResponse.BodyHandlers.ofByteArray()));
        } catch (IOException e) {
            throw failure(leaderId, e);
        }
    }

    /** POSTs {@code body} to {@code path} on the leader, with the cluster token, waiting at most {@code waitMs}. */
    @Override
    public CompletableFuture<ApiResponse> post(String leaderId, String path, JsonNode body, long waitMs) {
        byte[] bytes;
        try {
            bytes = ApiRequest.JSON.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode request to " + path, e);
        }
        HttpRequest request;
        try {
            request = request(leaderId, path, "POST", bytes, Duration.ofMillis(waitMs), null);
        } catch (ApiException e) {
            return CompletableFuture.failedFuture(e);
        }
        return send(leaderId, request);
    }

    @Override
    public CompletableFuture<ApiResponse> forward(String leaderId, ApiRequest request, long waitMs) {
        StringBuilder target = new StringBuilder(request.path());
        request.query().forEach((name, value) -> target.append(target.indexOf("?") < 0 ? '?' : '&')
                .append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        HttpRequest forwarded;
        try {
            forwarded = request(leaderId, target.toString(), request.method(), request.body(), Duration.ofMillis(waitMs),
                    request.authorization());
        } catch (ApiException e) {
            return CompletableFuture.failedFuture(e);
        }
        return send(leaderId, forwarded);
    }

    private CompletableFuture<ApiResponse> send(String leaderId, HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, error) -> {
                    if (error != null) {
                        throw failure(leaderId, error instanceof CompletionException c && c.getCause() != null ? c.getCause() : error);
                    }
                    try {
                        return answer(response);
                    } catch (IOException e) {
                        throw failure(leaderId, e);
                    }
                });
    }

    /** Stops the client's threads; calls still waiting fail. */
    public void close() {
        http.shutdownNow();
    }

    private static ApiResponse answer(HttpResponse<byte[]> response) throws IOException {
        Map<String, String> kept = new LinkedHashMap<>();
        for (String name : KEPT_HEADERS) {
            response.headers().firstValue(name).ifPresent(value -> kept.put(name, value));
        }
        return new ApiResponse(response.statusCode(), ApiRequest.JSON.readTree(response.body()), null, kept);
    }

    private HttpRequest request(String leaderId, String target, String method, byte[] body, Duration waitFor,
                                String authorization) {
        URI base = leaderId == null ? null : members.address(leaderId);
        if (base == null) {
            throw new ApiException(503, Router.errorWithLeader(leaderId == null ? "no leader elected; retry shortly"
                    : "leader " + leaderId + " is not a known member", null));
        }
        HttpRequest.Builder forwarded = HttpRequest.newBuilder(base.resolve(target))
                .timeout(waitFor)
                .header(FORWARDED_HEADER, selfId)
                .header("Content-Type", "application/json")
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (!clusterToken.isEmpty()) {
            forwarded.header(dev.dsync.transport.PeerTransport.TOKEN_HEADER, clusterToken);
        }
        if (authorization != null) {
            forwarded.header("Authorization", authorization);
        }
        return forwarded.build();
    }

    private static RuntimeException failure(String leaderId, Throwable e) {
        if (e instanceof ApiException api) {
            return api;
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            // The leader may have applied the request: the outcome is unknown to us.
            return new ApiException(504, Router.timeoutBody());
        }
        if (e instanceof java.net.ConnectException) {
            // No connection, so nothing was sent: the request certainly did not happen.
            return new ApiException(503, Router.errorWithLeader("cannot reach leader " + leaderId + ": " + e.getMessage(), leaderId));
        }
        if (e instanceof IOException) {
            // Nothing reached the leader's state machine if the connection failed before sending;
            // we cannot tell which, so say so.
            return new ApiException(503, Router.errorWithLeader("cannot reach leader " + leaderId + ": " + e.getMessage(), leaderId)
                    .put("outcome", "unknown"));
        }
        return new IllegalStateException("call to leader " + leaderId + " failed", e);
    }
}
