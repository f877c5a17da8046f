package dev.dsync.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.node.NodeConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.stream.Stream;

/**
 * One cluster of real node processes started from the shaded server jar with the JVM options of
 * {@code make up}, on consecutive fixed ports of 127.0.0.1. Data under {@code dataRoot/<name>}
 * (deleted on close), each node's output in {@code logRoot/<name>/<id>.log} (kept).
 */
final class NodeCluster implements AutoCloseable {
    static final List<String> NODE_JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
            "-XX:+UnlockDiagnosticVMOptions", "-XX:AsyncDeflationInterval=0");

    private final String service;
    private final Path jar;
    private final Path dataDir;
    private final Path logDir;
    private final Map<String, String> env;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, Process> running = new LinkedHashMap<>();
    private final Http http = new Http();

    NodeCluster(String name, String service, int size, int firstPort, Map<String, String> env, Path jar, Path dataRoot,
                Path logRoot) throws IOException {
        this.service = service;
        this.jar = jar;
        this.env = Map.copyOf(env);
        this.dataDir = dataRoot.resolve(name);
        this.logDir = Files.createDirectories(logRoot.resolve(name));
        deleteRecursively(dataDir);
        for (int i = 1; i <= size; i++) {
            int port = firstPort + i - 1;
            requireFree(port);
            ports.put(service + "-" + i, port);
        }
    }

    List<String> ids() {
        return new ArrayList<>(ports.keySet());
    }

    int port(String id) {
        return ports.get(id);
    }

    List<Integer> ports() {
        return new ArrayList<>(ports.values());
    }

    void startAll() throws IOException {
        for (String id : ports.keySet()) {
            start(id);
        }
    }

    void start(String id) throws IOException {
        StringJoiner peers = new StringJoiner(",");
        ports.forEach((peer, port) -> peers.add(peer + "=http://127.0.0.1:" + port));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(NODE_JVM);
        Path archive = jar.resolveSibling("server.jsa");
        if (Files.exists(archive)) {
            command.add("-XX:SharedArchiveFile=" + archive);
        }
        command.addAll(List.of("-jar", jar.toString(), "--service", service, "--id", id, "--port",
                Integer.toString(ports.get(id)), "--peers", peers.toString(), "--data-dir", dataDir.resolve(id).toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve(id + ".log").toFile()));
        // Default node settings whatever the caller's environment holds: only this cluster's own settings apply.
        for (NodeConfig.Setting setting : NodeConfig.Setting.values()) {
            pb.environment().remove(setting.env);
        }
        pb.environment().putAll(env);
        running.put(id, pb.start());
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill(String id) throws InterruptedException {
        Process p = running.remove(id);
        if (p != null) {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    JsonNode health(String id) {
        try {
            Http.Answer a = http.get(ports.get(id), "/health");
            return a.ok() ? ReportFiles.JSON.readTree(a.body()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Waits until one running node is leader and every running node names it; returns its id. */
    String awaitLeader(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String leader = null;
            boolean agreed = true;
            for (String id : running.keySet()) {
                JsonNode h = health(id);
                if (h == null || !h.path("leader").isTextual()) {
                    agreed = false;
                    break;
                }
                String named = h.path("leader").asText();
                agreed &= leader == null || leader.equals(named);
                leader = named;
            }
            if (agreed && leader != null && running.containsKey(leader)) {
                return leader;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("no agreed leader among " + running.keySet() + " within " + timeout + "; logs in " + logDir);
    }

    /** Waits until every running node has applied what the leader had committed when this was called. */
    void awaitCaughtUp(String leader, Duration timeout) throws InterruptedException {
        JsonNode h = health(leader);
        long target = h == null ? 0 : h.path("commit_index").asLong();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String id : running.keySet()) {
            while (true) {
                JsonNode n = health(id);
                if (n != null && n.path("applied_index").asLong() >= target) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(id + " did not catch up to index " + target + " within " + timeout);
                }
                Thread.sleep(20);
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (String id : new ArrayList<>(running.keySet())) {
            kill(id);
        }
        deleteRecursively(dataDir);
    }

    private static void requireFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " on 127.0.0.1 is in use (" + e.getMessage()
                    + "); stop what uses it or choose other ports with REPORT_PORT_BASE");
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
