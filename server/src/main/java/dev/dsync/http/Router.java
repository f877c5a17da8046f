package dev.dsync.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Dispatches every HTTP request of a node: finds the route, enforces method, body size and cluster
 * token, forwards leader-only requests from a follower, turns exceptions into JSON errors, stamps
 * the leader header, and records request metrics.
 *
 * <p>A route's path is exact, or ends in one {@code {name}} segment that matches any one non-empty
 * segment ({@code /cluster/members/{id}}); its handler reads the segment from the request's path.
 * A route may have a gate: while the gate names a refusal, the route answers with it before
 * anything else happens (a node removed from its cluster refuses service requests so).
 */
public final class Router implements HttpHandler {
    public static final String LEADER_HEADER = "X-Dsync-Leader";
    public static final int MAX_BODY_BYTES = 1 << 20;
    /** Peer messages carry batches of entries and whole snapshots: bounded, but far above a client's. */
    public static final int MAX_PEER_BODY_BYTES = 128 << 20;
    /**
     * How much of a refused request's unread body is read and dropped before answering. The JDK
     * server closes a connection whose body was not read to the end, and closing a socket with
     * unread bytes makes the kernel send a reset, which can destroy the answer before the client
     * reads it (an oversized body would get a reset instead of its 413). Past this bound the
     * answer says Connection: close and the client may see a reset.
     */
    static final long MAX_DRAIN_BYTES = 64L << 20;
    private static final System.Logger LOG = System.getLogger(Router.class.getName());

    private final Map<String, Map<String, Route>> routes = new LinkedHashMap<>();
    /** Templated paths by their fixed prefix ("/cluster/members/"), each route with one trailing {name} segment. */
    private final Map<String, String> templates = new LinkedHashMap<>();
    private final Map<Route, Supplier<ApiException>> gates = new IdentityHashMap<>();
    private final BooleanSupplier isLeader;
    private final Supplier<String> leaderId;
    private final LeaderForwarder forwarder;
    private final String clusterToken;
    private final HttpMetrics metrics;

    public Router(BooleanSupplier isLeader, Supplier<String> leaderId, LeaderForwarder forwarder,
                  String clusterToken, HttpMetrics metrics) {
        this.isLeader = isLeader;
        this.leaderId = leaderId;
        this.forwarder = forwarder;
        this.clusterToken = clusterToken;
        this.metrics = metrics;
    }

    public Router add(Route route) {
        Route previous = routes.computeIfAbsent(route.path(), p -> new LinkedHashMap<>()).put(route.method(), route);
        if (previous != null) {
            throw new IllegalStateException("route registered twice: " + route.method() + " " + route.path());
        }
        int brace = route.path().indexOf('{');
        if (brace >= 0) {
            String prefix = route.path().substring(0, brace);
            if (!prefix.endsWith("/") || !route.path().endsWith("}") || route.path().indexOf('/', brace) >= 0) {
                throw new IllegalArgumentException("a templated path ends in one {name} segment: " + route.path());
            }
            templates.put(prefix, route.path());
        }
        return this;
    }

    /** Adds a route that answers {@code gate}'s refusal instead whenever it gives one (null: serve). */
    public Router add(Route route, Supplier<ApiException> gate) {
        add(route);
        gates.put(route, gate);
        return this;
    }

    /** The registered path a request path falls under: itself, or a template whose last segment it fills. */
    private String routePath(String path) {
        if (routes.containsKey(path)) {
            return path;
        }
        int slash = path.lastIndexOf('/');
        String template = slash < 0 || slash == path.length() - 1 ? null : templates.get(path.substring(0, slash + 1));
        return template != null ? template : path;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        long start = System.nanoTime();
        String path = exchange.getRequestURI().getPath();
        String routePath = routePath(path);
        Map<String, Route> byMethod = routes.get(routePath);
        String metricPath = byMethod == null ? "unmatched" : routePath;
        ApiResponse response;
        try {
            response = dispatch(exchange, path, byMethod);
        } catch (ApiException e) {
            response = e.response();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response = new ApiResponse(503, errorWithLeader("node is shutting down", leaderId.get()));
        } catch (Exception e) {
            LOG.log(System.Logger.Level.ERROR, "request " + exchange.getRequestMethod() + " " + path + " failed", e);
            response = new ApiResponse(500, JsonNodeFactory.instance.objectNode().put("error", "internal error: " + e));
        }
        drainRequestBody(exchange, response);
        send(exchange, response);
        metrics.observe(metricPath, response.status(), (System.nanoTime() - start) / 1e9);
    }

    private ApiResponse dispatch(HttpExchange exchange, String path, Map<String, Route> byMethod) throws Exception {
        String method = exchange.getRequestMethod();
        if (byMethod == null) {
            throw new ApiException(404, "no such endpoint: " + method + " " + path);
        }
        Route route = byMethod.get(method);
        if (route == null) {
            throw new ApiException(405, "method " + method + " is not allowed on " + path + "; use " + String.join(" or ", byMethod.keySet()));
        }
        Supplier<ApiException> gate = gates.get(route);
        ApiException refused = gate == null ? null : gate.get();
        if (refused != null) {
            throw refused;
        }
        if (route.where() == Route.Where.PEER && !clusterToken.isEmpty()
                && !clusterToken.equals(exchange.getRequestHeaders().getFirst(dev.dsync.transport.PeerTransport.TOKEN_HEADER))) {
            throw new ApiException(401, "missing or wrong cluster token");
        }
        byte[] body = readBody(exchange, route.where() == Route.Where.PEER ? MAX_PEER_BODY_BYTES : MAX_BODY_BYTES);
        String forwardedBy = exchange.getRequestHeaders().getFirst(LeaderForwarder.FORWARDED_HEADER);
        ApiRequest request = new ApiRequest(method, path, parseQuery(exchange.getRequestURI().getRawQuery()), body, forwardedBy != null,
                exchange.getRequestHeaders().getFirst("Authorization"));
        if (route.where() == Route.Where.LEADER) {
            String leader = LeaderRouting.forwardTarget(isLeader.getAsBoolean(), leaderId.get(), forwardedBy);
            if (leader != null) {
                return forwarder.forward(leader, request, exchange.getRequestURI().getRawQuery());
            }
        }
        return route.handler().handle(request);
    }

    /** The body, up to {@code limit} bytes. The stream stays open: closing it early would cut the connection (see drainRequestBody). */
    private static byte[] readBody(HttpExchange exchange, int limit) {
        byte[] body;
        try {
            // With a Content-Length within the limit, one array of that size (no 16 KiB buffer per request).
            long announced = announcedLength(exchange);
            body = exchange.getRequestBody().readNBytes(announced >= 0 && announced <= limit ? (int) announced : limit + 1);
        } catch (IOException e) {
            // The client sent less than it announced, or broken chunks: its fault, not a server error.
            throw ApiException.badRequest("request body is incomplete: " + e.getMessage());
        }
        if (body.length > limit) {
            throw new ApiException(413, "request body is larger than " + limit + " bytes");
        }
        return body;
    }

    /** The request's Content-Length, or -1 if it has none (chunked) or not a plain number. */
    private static long announcedLength(HttpExchange exchange) {
        String value = exchange.getRequestHeaders().getFirst("Content-Length");
        if (value == null || value.isEmpty() || value.length() > 18) {
            return -1;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(value);
    }

    /** Reads what is left of the request body (see {@link #MAX_DRAIN_BYTES}) so the answer is not lost to a reset. */
    private static void drainRequestBody(HttpExchange exchange, ApiResponse response) {
        try {
            InputStream in = exchange.getRequestBody();
            if (in.read() == -1) {
                return; // the usual case: readBody took it all (no buffer: this runs for every request)
            }
            byte[] sink = new byte[64 * 1024];
            long drained = 1;
            for (int n = in.read(sink); n != -1 && drained <= MAX_DRAIN_BYTES; n = in.read(sink)) {
                drained += n;
            }
            if (drained > MAX_DRAIN_BYTES) {
                exchange.getResponseHeaders().set("Connection", "close");
            }
        } catch (IOException e) {
            // The client went away or sent a broken body; the answer below may still reach it.
            exchange.getResponseHeaders().set("Connection", "close");
        }
    }

    private void send(HttpExchange exchange, ApiResponse response) throws IOException {
        byte[] bytes;
        if (response.text() != null) {
            bytes = response.text().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        } else {
            bytes = response.body() == null ? new byte[0] : ApiRequest.JSON.writeValueAsBytes(response.body());
            exchange.getResponseHeaders().set("Content-Type", "application/json");
        }
        String leader = leaderId.get();
        exchange.getResponseHeaders().set(LEADER_HEADER, leader == null ? "" : leader);
        response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        int status = response.status();
        // A HEAD answer has no body: writing one would fail after the headers went out.
        if (status == 204 || bytes.length == 0 || "HEAD".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(status, -1);
        } else {
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    static Map<String, String> parseQuery(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = decodeQueryPart(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decodeQueryPart(pair.substring(eq + 1));
            query.putIfAbsent(name, value);
        }
        return query;
    }

    private static String decodeQueryPart(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("malformed query string: " + e.getMessage());
        }
    }

    public static ObjectNode errorWithLeader(String error, String leader) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("error", error);
        if (leader == null) {
            body.putNull("leader");
        } else {
            body.put("leader", leader);
        }
        return body;
    }

    /** The answer for a request whose outcome we cannot know (it may yet commit). */
    public static ObjectNode timeoutBody() {
        return JsonNodeFactory.instance.objectNode().put("error", "timeout").put("outcome", "unknown");
    }
}
