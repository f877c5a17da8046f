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
 * A throwaway three-node cluster of one service inside this JVM, on free loopback ports and its own
 * data directory, that serves rounds of every kind of request the service answers and stops. Real
 * nodes, real log, real peer streams: what it runs is the code a node runs. Two users: the
 * class-data archive's training run ({@link CdsTraining}: which classes a node loads) and a node's
 * warm-up before it listens ({@link WarmUp}: which methods the JIT compiles).
 *
 * <p>Rounds go to the three nodes in turn, so both a leader's paths and a follower's forwarding are
 * exercised. The answers do not matter, their code paths do.
 */
final class TrainingCluster {
    private static final Duration LEADER_WAIT = Duration.ofSeconds(30);

    private TrainingCluster() {}

    /** Runs {@code rounds} rounds against a fresh cluster of {@code service} under {@code dataDir}, then deletes it. */
    static void exercise(String service, Path dataDir, int rounds) throws Exception {
        int[] ports = {freePort(), freePort(), freePort()};
        StringBuilder peers = new StringBuilder();
        for (int i = 0; i < ports.length; i++) {
            peers.append(i == 0 ? "" : ",").append("t").append(i).append("=http://127.0.0.1:").append(ports[i]);
        }
        List<NodeServer> nodes = new ArrayList<>();
        try (HttpClient http = HttpClient.newHttpClient()) {
            for (int i = 0; i < ports.length; i++) {
                NodeConfig config = NodeConfig.parse(new String[] {"--service", service, "--id", "t" + i,
                        "--port", Integer.toString(ports[i]), "--peers", peers.toString(), "--warm-up", "false",
                        "--data-dir", dataDir.resolve("t" + i).toString()}, name -> null);
                NodeServer node = new NodeServer(config, Main.serviceFor(config));
                node.start();
                nodes.add(node);
            }
            awaitLeader(http, ports);
            for (int round = 0; round < rounds; round++) {
                String base = "http://127.0.0.1:" + ports[round % ports.length];
                for (String[] call : calls(service, round)) {
                    send(http, base, call[0], call[1], call.length > 2 ? call[2] : null);
                }
            }
            send(http, "http://127.0.0.1:" + ports[0], "GET", "/metrics", null);
        } finally {
            for (NodeServer node : nodes) {
                node.close();
            }
            deleteTree(dataDir);
        }
    }

    /** One round of calls of each kind the service answers; keys vary by round so state machines see more than one. */
    private static List<String[]> calls(String service, int round) {
        String key = "k" + (round % 4);
        return switch (service) {
            case "lock" -> List.of(
                    new String[] {"POST", "/lock/acquire", "{\"key\":\"" + key + "\",\"mode\":\"X\",\"client_id\":\"c\",\"ttl_ms\":5000,\"wait_ms\":1000}"},
                    new String[] {"GET", "/lock/status?key=" + key},
                    new String[] {"POST", "/lock/release", "{\"key\":\"" + key + "\",\"client_id\":\"c\"}"});
            case "queue" -> List.of(
                    new String[] {"POST", "/queue/enq", "{\"key\":\"" + key + "\",\"value\":{\"n\":" + round + "}}"},
                    new String[] {"POST", "/queue/deq", "{}"},
                    new String[] {"GET", "/queue/stats"});
            default -> List.of(
                    new String[] {"POST", "/cache/put", "{\"key\":\"" + key + "\",\"val\":{\"n\":" + round + "}}"},
                    new String[] {"POST", "/cache/get", "{\"key\":\"" + key + "\"}"},
                    new String[] {"GET", "/cache/directory?key=" + key});
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
            Thread.sleep(20);
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

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
