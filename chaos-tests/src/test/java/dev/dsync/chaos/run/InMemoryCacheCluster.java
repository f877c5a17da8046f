package dev.dsync.chaos.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * Three in-process nodes speaking the cache API over one shared store, each with its own lines
 * (copies) served as hits. Coherent: every write drops every other node's copy before it answers,
 * all under one lock, so the cluster is linearizable. Incoherent: writes leave other nodes' copies
 * in place, as a cache without invalidation would, so those nodes keep serving stale hits.
 */
final class InMemoryCacheCluster implements InProcessCluster {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final boolean coherent;
    private final Map<String, JsonNode> store = new HashMap<>();
    private final Map<String, Map<String, JsonNode>> lines = new LinkedHashMap<>();
    private final Map<String, HttpServer> servers = new LinkedHashMap<>();
    private long version;

    InMemoryCacheCluster(boolean coherent) {
        this.coherent = coherent;
    }

    @Override
    public String service() {
        return "cache";
    }

    @Override
    public List<String> nodeIds() {
        return List.of("mem-1", "mem-2", "mem-3");
    }

    @Override
    public URI clientUrl(String nodeId) {
        return URI.create("http://127.0.0.1:" + servers.get(nodeId).getAddress().getPort());
    }

    @Override
    public void start() throws IOException {
        for (String id : nodeIds()) {
            lines.put(id, new HashMap<>());
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            http.createContext("/health", ex -> reply(ex, 200, JSON.createObjectNode().put("role", 2).put("term", 1).put("leader", id)));
            http.createContext("/cache/", ex -> handle(id, ex));
            http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            http.start();
            servers.put(id, http);
        }
    }

    private void handle(String node, HttpExchange ex) throws IOException {
        JsonNode req = JSON.readTree(ex.getRequestBody());
        String key = req.path("key").asText();
        ObjectNode body = JSON.createObjectNode();
        int status = 200;
        synchronized (this) {
            Map<String, JsonNode> mine = lines.get(node);
            switch (ex.getRequestURI().getPath()) {
                case "/cache/get" -> {
                    JsonNode line = mine.get(key);
                    JsonNode val = line != null ? line : store.get(key);
                    if (val == null) {
                        status = 404;
                        body.put("found", false);
                    } else {
                        mine.put(key, val);
                        body.put("hit", line != null).put("state", "S").put("version", version).set("val", val);
                    }
                }
                case "/cache/put" -> write(node, key, req.get("val"), body);
                case "/cache/cas" -> {
                    JsonNode expected = req.get("expected");
                    JsonNode current = store.get(key);
                    boolean matches = expected == null || expected.isNull() ? current == null : expected.equals(current);
                    if (matches) {
                        write(node, key, req.get("val"), body);
                    } else {
                        status = 409;
                        body.put("error", "cas mismatch").put("version", version).set("current", current);
                    }
                }
                case "/cache/del" -> {
                    if (store.containsKey(key)) {
                        write(node, key, null, body);
                    } else {
                        status = 404;
                        body.put("found", false);
                    }
                }
                default -> {
                    status = 404;
                    body.put("error", "no such path");
                }
            }
        }
        reply(ex, status, body);
    }

    /** Stores {@code val} (null: delete); the writer holds the new value, others lose theirs only if coherent. */
    private void write(String node, String key, JsonNode val, ObjectNode body) {
        version++;
        if (val == null) {
            store.remove(key);
            lines.get(node).remove(key);
        } else {
            store.put(key, val);
            lines.get(node).put(key, val);
        }
        if (coherent) {
            lines.forEach((other, held) -> {
                if (!other.equals(node)) {
                    held.remove(key);
                }
            });
        }
        body.put("version", version);
    }

    private static void reply(HttpExchange ex, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (var out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public boolean isRunning(String nodeId) {
        return servers.containsKey(nodeId);
    }

    @Override
    public void close() {
        servers.values().forEach(s -> s.stop(0));
        servers.clear();
    }
}
