package dev.dsync.chaos.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * A deliberately broken lock node for the bench's self-test: it speaks the lock API but decides
 * every request from its own memory, with no replication, as the original system's nodes did. Two
 * clients on two nodes can both hold X, and fences restart at 1 on every node.
 */
final class SplitBrainLockServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer http;
    private final String id;
    /** key -> client -> mode; only this node's view. */
    private final Map<String, Map<String, String>> holders = new HashMap<>();
    private long fence;

    SplitBrainLockServer(String id) throws IOException {
        this.id = id;
        this.http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        http.createContext("/health", ex -> reply(ex, 200, JSON.createObjectNode().put("role", 2).put("term", 1).put("leader", id)));
        http.createContext("/lock/acquire", this::acquire);
        http.createContext("/lock/release", this::release);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.start();
    }

    int port() {
        return http.getAddress().getPort();
    }

    private synchronized void acquire(HttpExchange ex) throws IOException {
        JsonNode req = JSON.readTree(ex.getRequestBody());
        String key = req.path("key").asText();
        String client = req.path("client_id").asText();
        String mode = req.path("mode").asText();
        Map<String, String> held = holders.computeIfAbsent(key, k -> new HashMap<>());
        boolean compatible = held.isEmpty() || mode.equals("S") && !held.containsValue("X");
        if (!compatible) {
            reply(ex, 409, JSON.createObjectNode().put("granted", false));
            return;
        }
        held.put(client, mode);
        reply(ex, 200, JSON.createObjectNode().put("granted", true).put("fence", ++fence).put("mode", mode));
    }

    private synchronized void release(HttpExchange ex) throws IOException {
        JsonNode req = JSON.readTree(ex.getRequestBody());
        Map<String, String> held = holders.getOrDefault(req.path("key").asText(), Map.of());
        if (held.remove(req.path("client_id").asText()) == null) {
            reply(ex, 404, JSON.createObjectNode().put("error", "not held"));
            return;
        }
        reply(ex, 200, JSON.createObjectNode().put("released", true));
    }

    private static void reply(HttpExchange ex, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (var out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    String id() {
        return id;
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
