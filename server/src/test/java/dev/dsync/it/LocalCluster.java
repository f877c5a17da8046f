package dev.dsync.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Three real node processes of one service on loopback, started from the shaded server jar, each
 * with its own data dir and log file. Nodes can be killed with SIGKILL and restarted on their data,
 * and more nodes can join the running cluster ({@link #addNode}, {@link #startJoining}).
 */
public final class LocalCluster implements AutoCloseable {
    private final String service;
    private final Path root;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, String> extraEnv;
    /** Nodes that join a running cluster instead of founding it. */
    private final java.util.Set<String> joiners = new java.util.HashSet<>();
    final TestClient client = new TestClient();

    public LocalCluster(String service, int size, Map<String, String> extraEnv) throws IOException {
        this.service = service;
        this.extraEnv = Map.copyOf(extraEnv);
        this.root = Files.createTempDirectory("dsync-it-" + service);
        for (int i = 1; i <= size; i++) {
            ports.put(service + "-" + i, freePort());
        }
    }

    public List<String> ids() {
        return new ArrayList<>(ports.keySet());
    }

    public int port(String id) {
        return ports.get(id);
    }

    public Path dataDir(String id) {
        return root.resolve("data").resolve(id);
    }

    public Path logFile(String id) {
        return root.resolve(id + ".log");
    }

    public void startAll() throws IOException {
        for (String id : ports.keySet()) {
            start(id);
        }
    }

    public void start(String id) throws IOException {
        StringJoiner peers = new StringJoiner(",");
        founders().forEach(peer -> peers.add(peer + "=http://127.0.0.1:" + ports.get(peer)));
        launch(id, List.of("--peers", peers.toString()), Map.of());
    }

    /** Adds a node that is not among the founders, for {@link #startJoining}. */
    public void addNode(String id) throws IOException {
        ports.put(id, freePort());
        joiners.add(id);
    }

    /** Starts a node added with {@link #addNode} with {@code --join} the given member (and its extra environment). */
    public void startJoining(String id, String member, Map<String, String> env) throws IOException {
        launch(id, List.of("--join", "http://127.0.0.1:" + ports.get(member)), env);
    }

    private List<String> founders() {
        return ports.keySet().stream().filter(id -> !joiners.contains(id)).toList();
    }

    private void launch(String id, List<String> membership, Map<String, String> env) throws IOException {
        String jar = System.getProperty("server.jar", "target/server.jar");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1"));
        Path archive = Path.of(jar).resolveSibling("server.jsa"); // made by the build: see dev.dsync.node.CdsTraining
        if (Files.exists(archive)) {
            command.add("-XX:SharedArchiveFile=" + archive);
        }
        command.addAll(List.of("-jar", jar, "--service", service, "--id", id, "--port", Integer.toString(ports.get(id)),
                "--data-dir", dataDir(id).toString(), "--warm-up", "false")); // test clusters start at once (CI time)
        command.addAll(membership);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(extraEnv);
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(id).toFile()));
        processes.put(id, pb.start());
    }

    /** SIGKILL: no shutdown hook, no leadership transfer, nothing flushed that was not fsync'd. */
    public void kill(String id) throws InterruptedException {
        Process p = processes.remove(id);
        if (p != null) {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    /** SIGTERM: the graceful path (the leader hands over first). */
    public void stop(String id) throws InterruptedException {
        Process p = processes.remove(id);
        if (p != null) {
            p.destroy();
            p.waitFor();
        }
    }

    public Optional<JsonNode> health(String id) {
        try {
            TestClient.Response r = client.get(port(id), "/health");
            return r.status() == 200 ? Optional.of(r.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Waits until exactly one running node reports itself leader, and every running node agrees on it. */
    public String awaitLeader(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String leader = null;
            boolean agreed = true;
            for (String id : processes.keySet()) {
                Optional<JsonNode> h = health(id);
                if (h.isEmpty()) {
                    agreed = false;
                    break;
                }
                if (h.get().path("role").asInt() == 2) {
                    if (leader != null) {
                        agreed = false;
                    }
                    leader = id;
                }
                if (!h.get().path("leader").isTextual()) {
                    agreed = false;
                }
            }
            if (agreed && leader != null) {
                return leader;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no single leader within " + timeout + "; logs in " + root);
    }

    public String anyFollower(String leader) {
        return processes.keySet().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    }

    @Override
    public void close() throws InterruptedException {
        for (String id : new ArrayList<>(processes.keySet())) {
            kill(id);
        }
    }

    /** Ports handed out in this JVM: a test that builds several clusters before starting any must not get one twice. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A port nothing listens on now and that no cluster of this JVM was given before. The kernel may
     * return a port again once the probe socket is closed: OpenApiIT's nine ports, asked for before any
     * node starts, once held a duplicate, and the second node on it exited on "Address already in use"
     * while its cluster's requests reached a node of another service.
     */
    static int freePort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket s = new ServerSocket(0)) {
                s.setReuseAddress(true);
                if (HANDED_OUT.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
        throw new IOException("no fresh free port after 100 tries");
    }
}
