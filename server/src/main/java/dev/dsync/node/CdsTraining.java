package dev.dsync.node;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The class-data-sharing training run: starts a three-node cluster of each service inside this
 * JVM, serves a few requests of each kind, and stops. Run as
 * {@code java -XX:ArchiveClassesAtExit=server.jsa -cp server.jar dev.dsync.node.CdsTraining}, the JVM
 * leaves an archive of every class a node loads; a node started with
 * {@code -XX:SharedArchiveFile=server.jsa} then maps them instead of loading them, which roughly halves
 * its start-up (cluster start-ups dominate the tests, the chaos runs and {@code docker compose up}).
 * The build makes the archive next to the jar ({@code server/target/server.jsa}); the node image makes
 * its own. An archive that does not match the jar is ignored by the JVM with a warning, never used.
 */
public final class CdsTraining {
    private static final Duration LEADER_WAIT = Duration.ofSeconds(30);

    private CdsTraining() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        Path dir = Files.createTempDirectory("dsync-cds-training");
        HttpClient http = HttpClient.newHttpClient();
        try {
            for (String service : NodeConfig.SERVICES) {
                train(service, dir.resolve(service), http);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void train(String service, Path dataDir, HttpClient http) throws Exception {
        int[] ports = {freePort(), freePort(), freePort()};
        StringBuilder peers = new StringBuilder();
        for (int i = 0; i < ports.length; i++) {
            peers.append(i == 0 ? "" : ",").append("t").append(i).append("=http://127.0.0.1:").append(ports[i]);
        }
        List<NodeServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < ports.length; i++) {
                NodeConfig config = NodeConfig.parse(new String[] {"--service", service, "--id", "t" + i,
                        "--port", Integer.toString(ports[i]), "--peers", peers.toString(),
                        "--data-dir", dataDir.resolve("t" + i).toString()}, name -> null);
                NodeServer node = new NodeServer(config, Main.serviceFor(config));
                node.start();
                nodes.add(node);
            }
            String base = "http://127.0.0.1:" + ports[0];
            awaitLeader(http, ports);
            for (String[] call : calls(service)) {
                send(http, base, call[0], call[1], call.length > 2 ? call[2] : null);
            }
            send(http, base, "GET", "/metrics", null);
        } finally {
            for (NodeServer node : nodes) {
                node.close();
            }
        }
    }

    /** A few calls of each kind the service answers (their answers do not matter, their code paths do). */
    private static List<String[]> calls(String service) {
        return switch (service) {
            case "lock" -> List.of(
                    new String[] {"POST", "/lock/acquire", "{\"key\":\"k\",\"mode\":\"X\",\"client_id\":\"c\",\"ttl_ms\":5000}"},
                    new String[] {"GET", "/lock/status?key=k"},
                    new String[] {"POST", "/lock/release", "{\"key\":\"k\",\"client_id\":\"c\"}"});
            case "queue" -> List.of(
                    new String[] {"POST", "/queue/enq", "{\"value\":{\"n\":1}}"},
                    new String[] {"POST", "/queue/deq", "{}"},
                    new String[] {"GET", "/queue/stats"});
            default -> List.of(
                    new String[] {"POST", "/cache/put", "{\"key\":\"k\",\"val\":{\"n\":1}}"},
                    new String[] {"POST", "/cache/get", "{\"key\":\"k\"}"},
                    new String[] {"GET", "/cache/directory?key=k"});
        };
    }

    private static void awaitLeader(HttpClient http, int[] ports) throws Exception {
        long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (int port : ports) {
                if (send(http, "http://127.0.0.1:" + port, "GET", "/health", null).contains("\"role\":2")) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("training cluster elected no leader within " + LEADER_WAIT.toSeconds() + " s");
    }

    private static String send(HttpClient http, String base, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
