package dev.dsync.chaos.cluster;

import java.util.ArrayList;

import dev.dsync.chaos.clock.NodeClocks;
import dev.dsync.chaos.lazyfs.LazyMount;
import dev.dsync.chaos.lazyfs.PowerLoss;
import dev.dsync.chaos.lazyfs.Spawning;
import dev.dsync.chaos.lazyfs.TornWrite;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * Nodes as separate JVM processes on loopback, each with its own data dir and log, wired through a
 * Toxiproxy server (the embedded one or {@code TOXIPROXY_URL}). Kill is SIGKILL and restart reuses
 * the data dir; pause is SIGSTOP and resume SIGCONT. Given {@link NodeClocks}, nodes run under
 * libfaketime, each with its own clock.
 *
 * <p>With {@code powerLossDataDirs}, each node's data dir is a lazy file system mount (see
 * {@link LazyMount}) whose durable state is kept in {@code <runDir>/durable/<id>}, so a power loss
 * can drop what a node did not fsync. The mounts live as long as the cluster.
 *
 * <p>Nodes can join at run time ({@link #startJoining}): launched with {@code --join}, the admin
 * token from the node environment and {@code --advertise-url} at their inbound proxy, on a fresh
 * data dir (a mount too, with power-loss data dirs), so every fault that acts on processes reaches
 * them as it reaches the founders.
 */
public final class ProcessCluster extends ProxiedCluster {
    private final ToxiproxyClient toxiproxy;
    private final String toxiproxyHost;
    private final Path serverJar;
    private final Path runDir;
    private final Map<String, String> nodeEnv;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    /** Null unless the nodes run under libfaketime. */
    private final NodeClocks clocks;
    private final boolean powerLossDataDirs;
    private final Map<String, LazyMount> mounts = new LinkedHashMap<>();
    /** For each node that joined at run time: the member URL it was told to join through. */
    private final Map<String, URI> joinedThrough = new LinkedHashMap<>();

    public ProcessCluster(String service, ToxiproxyClient toxiproxy, String toxiproxyHost, Path serverJar,
                          Path runDir, Map<String, String> nodeEnv) {
        this(service, toxiproxy, toxiproxyHost, serverJar, runDir, nodeEnv, null, false);
    }

    /**
     * With {@code clocks}, every node (and every restart of one) runs under libfaketime with its clock;
     * with {@code powerLossDataDirs}, every data dir is a lazy file system mount.
     */
    public ProcessCluster(String service, ToxiproxyClient toxiproxy, String toxiproxyHost, Path serverJar,
                          Path runDir, Map<String, String> nodeEnv, NodeClocks clocks, boolean powerLossDataDirs) {
        super(service);
        this.clocks = clocks;
        this.powerLossDataDirs = powerLossDataDirs;
        this.toxiproxy = toxiproxy;
        this.toxiproxyHost = toxiproxyHost;
        this.serverJar = serverJar;
        this.runDir = runDir;
        this.nodeEnv = Map.copyOf(nodeEnv);
    }

    @Override
    public URI clientUrl(String nodeId) {
        return URI.create("http://" + toxiproxyHost + ":" + LinkWiring.port(links.get(LinkWiring.CLIENT, nodeId)));
    }

    @Override
    public void start() throws IOException, InterruptedException {
        if (!Files.isRegularFile(serverJar)) {
            throw new IOException("no server jar at " + serverJar + "; run 'make build' first");
        }
        for (String id : ids) {
            ports.put(id, StablePorts.next("127.0.0.1"));
        }
        links.create(toxiproxy, ids, id -> "127.0.0.1:" + ports.get(id), this::listenFor);
        Files.createDirectories(runDir.resolve("logs"));
        if (powerLossDataDirs) {
            for (String id : ids) {
                mounts.put(id, LazyMount.mount(dataDirOf(id), runDir.resolve("durable").resolve(id)));
            }
        }
        for (String id : ids) {
            launch(id);
        }
    }

    private String listenFor(String proxyName) {
        try {
            return toxiproxyHost + ":" + StablePorts.next(toxiproxyHost);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public boolean canStartNodes() {
        return true;
    }

    @Override
    public synchronized String startJoining(String via) throws IOException {
        if (adminToken().isEmpty()) {
            throw new IllegalStateException("nodes were started without ADMIN_TOKEN: a joining node could not ask to be added");
        }
        String id = nextJoinedId();
        ports.put(id, StablePorts.next("127.0.0.1"));
        links.createJoined(toxiproxy, id, "127.0.0.1:" + ports.get(id), this::listenFor);
        joined.add(id);
        joinedThrough.put(id, clientUrl(via));
        if (powerLossDataDirs) {
            mounts.put(id, LazyMount.mount(dataDirOf(id), runDir.resolve("durable").resolve(id)));
        }
        launch(id);
        return id;
    }

    @Override
    public Optional<String> adminToken() {
        String token = nodeEnv.get("ADMIN_TOKEN");
        return token == null || token.isBlank() ? Optional.empty() : Optional.of(token);
    }

    private void launch(String id) throws IOException {
        List<String> membership;
        URI joinUrl = joinedThrough.get(id);
        if (joinUrl != null) {
            // Ignored on a restart with data: the node then goes by the configuration in its log.
            String advertised = "http://" + toxiproxyHost + ":" + LinkWiring.port(links.get(LinkWiring.PEERS, id));
            membership = List.of("--join", joinUrl.toString(), "--advertise-url", advertised);
        } else {
            StringJoiner peers = new StringJoiner(",");
            for (String peer : ids) {
                int port = peer.equals(id) ? ports.get(id) : LinkWiring.port(links.get(id, peer));
                String host = peer.equals(id) ? "127.0.0.1" : toxiproxyHost;
                peers.add(peer + "=http://" + host + ":" + port);
            }
            membership = List.of("--peers", peers.toString());
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1"));
        Path archive = serverJar.resolveSibling("server.jsa"); // made by the build: see dev.dsync.node.CdsTraining
        if (Files.exists(archive)) {
            command.add("-XX:SharedArchiveFile=" + archive);
        }
        command.addAll(List.of("-jar", serverJar.toString(), "--service", service, "--id", id,
                "--port", Integer.toString(ports.get(id))));
        command.addAll(membership);
        // Cold starts: a restarted node rejoins at once, and the runs fit CI's time (dev.dsync.node.WarmUp).
        command.addAll(List.of("--data-dir", dataDirOf(id).toString(), "--warm-up", "false"));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(nodeEnv);
        if (clocks != null) {
            pb.environment().putAll(clocks.launchEnvironment(id));
        }
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(id).toFile()));
        synchronized (Spawning.LOCK) { // a concurrent lazy mount's fusermount must not inherit the start's pipes
            processes.put(id, pb.start());
        }
    }

    private Path dataDirOf(String id) {
        return runDir.resolve("data").resolve(id);
    }

    @Override
    public Optional<Path> dataDir(String nodeId) {
        return Optional.of(dataDirOf(nodeId));
    }

    private Path logFile(String id) {
        return runDir.resolve("logs").resolve(id + ".log");
    }

    @Override
    public void kill(String nodeId) throws InterruptedException {
        Process p = processes.remove(nodeId);
        if (p != null) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public boolean stop(String nodeId, long limitMs) throws InterruptedException {
        Process p = processes.remove(nodeId);
        if (p != null) {
            p.destroy();
            if (!p.waitFor(limitMs, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        return true;
    }

    @Override
    public void restart(String nodeId) throws IOException {
        Process p = processes.get(nodeId);
        if (p == null || !p.isAlive()) {
            launch(nodeId);
        }
    }

    @Override
    public PowerLoss powerLoss(String nodeId, TornWrite tear, Random random) {
        LazyMount mount = mounts.get(nodeId);
        if (mount == null) {
            throw new IllegalStateException("the cluster was started without power-loss data dirs");
        }
        if (processes.containsKey(nodeId)) {
            throw new IllegalStateException(nodeId + " must be killed before its power loss");
        }
        return mount.powerLoss(tear, random);
    }

    @Override
    public void pause(String nodeId) throws IOException, InterruptedException {
        signal(nodeId, "-STOP");
    }

    @Override
    public void resume(String nodeId) throws IOException, InterruptedException {
        signal(nodeId, "-CONT");
    }

    private void signal(String nodeId, String signal) throws IOException, InterruptedException {
        Process p = processes.get(nodeId);
        if (p == null || !p.isAlive()) {
            return; // one that exited on its own is reported by exitedOnTheirOwn
        }
        Process kill = new ProcessBuilder("kill", signal, Long.toString(p.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill " + signal + " " + p.pid() + " failed");
        }
    }

    @Override
    public Optional<NodeClocks> clocks() {
        return Optional.ofNullable(clocks);
    }

    @Override
    public boolean isRunning(String nodeId) {
        Process p = processes.get(nodeId);
        return p != null && p.isAlive();
    }

    @Override
    public Map<String, String> exitedOnTheirOwn() throws IOException {
        Map<String, String> exited = new LinkedHashMap<>();
        for (Map.Entry<String, Process> e : List.copyOf(processes.entrySet())) {
            if (!e.getValue().isAlive()) {
                String why = "exit code " + e.getValue().exitValue();
                Optional<String> error = lastErrorLine(logFile(e.getKey()));
                exited.put(e.getKey(), error.map(line -> why + ", its log: " + line).orElse(why));
            }
        }
        return exited;
    }

    /** The log's last line that names an exception or error (the server logs the one it halts on), trimmed. */
    private static Optional<String> lastErrorLine(Path log) throws IOException {
        if (!Files.exists(log)) {
            return Optional.empty();
        }
        String found = null;
        try (var lines = Files.lines(log, java.nio.charset.StandardCharsets.ISO_8859_1)) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.matches("^\\S+(Error|Exception)(: .*)?$")) {
                    found = line;
                }
            }
        }
        return Optional.ofNullable(found).map(line -> line.length() > 300 ? line.substring(0, 300) + "..." : line);
    }

    @Override
    public void collectLogs(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String id : allNodeIds()) {
            if (Files.exists(logFile(id))) {
                Files.copy(logFile(id), dir.resolve(id + ".log"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    @Override
    public void close() {
        for (String id : List.copyOf(processes.keySet())) {
            try {
                kill(id);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            links.deleteAll();
        } finally {
            mounts.values().forEach(LazyMount::close); // the nodes are dead: nothing holds the mounts
            mounts.clear();
        }
    }
}
