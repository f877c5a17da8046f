package dev.dsync.chaos.cluster;

import com.github.dockerjava.api.DockerClient;
import dev.dsync.chaos.clock.Libfaketime;
import dev.dsync.chaos.clock.NodeClocks;
import dev.dsync.chaos.lazyfs.LazyMount;
import dev.dsync.chaos.lazyfs.PowerLoss;
import dev.dsync.chaos.lazyfs.TornWrite;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.ToxiproxyContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * {@code CHAOS_BACKEND=docker}: every node a container of the node image ({@code docker/Dockerfile},
 * target node; built by {@code make docker-images}) on a Testcontainers network, every link through
 * the ToxiproxyContainer. Through the Docker API: kill is {@code docker kill} (SIGKILL), restart
 * starts the same container again on its own /data volume, pause and resume are the cgroup freezer.
 *
 * <p>The clock and power faults reach containers as they reach local processes, from this host:
 * <ul>
 *   <li>With {@link NodeClocks}, each container preloads the host's libfaketime (bind-mounted read-only,
 *       so the node image stays free of test libraries; host and image must share a C library ABI,
 *       as Debian bookworm on both does here) and reads its control file from the host's clock
 *       directory, bind-mounted as a directory so that the nemesis's atomic renames show inside.
 *       A container keeps the environment it was created with, so a restart only rewrites the file.
 *   <li>With power-loss data dirs, each node's /data is a bind mount of a lazy file system mounted on
 *       this host (FUSE allow_other: the node runs unprivileged), which a power loss empties of
 *       whatever the node did not fsync while its container is down.
 * </ul>
 */
public final class DockerCluster extends ProxiedCluster {
    /** ToxiproxyContainer exposes these 32 ports for proxies; a cluster of three uses nine. */
    private static final int FIRST_PROXY_PORT = 8666;
    private static final int NODE_PORT = 8000;
    /** Marks the bench's containers, so leftovers of a killed bench can be found and removed. */
    public static final String LABEL = "dev.dsync.chaos";

    private final Network network;
    private final ToxiproxyContainer toxiproxyContainer;
    private final DockerImageName image;
    private final Map<String, GenericContainer<?>> nodes = new LinkedHashMap<>();
    /** Where a container finds the host's libfaketime and clock directory. */
    private static final String FAKETIME_DIR = "/opt/dsync-faketime";

    private final Map<String, String> nodeEnv;
    private final Path runDir;
    /** Null unless the nodes run under libfaketime. */
    private final NodeClocks clocks;
    private final boolean powerLossDataDirs;
    private final Map<String, LazyMount> mounts = new LinkedHashMap<>();

    public DockerCluster(String service, DockerImageName image, Network network, ToxiproxyContainer toxiproxyContainer,
                         Map<String, String> nodeEnv) {
        this(service, image, network, toxiproxyContainer, nodeEnv, null, null, false);
    }

    /**
     * With {@code clocks}, every node runs under libfaketime with its clock; with {@code powerLossDataDirs},
     * every node's /data is a lazy file system mounted under {@code runDir} (durable state in
     * {@code runDir/durable/<id>}).
     */
    public DockerCluster(String service, DockerImageName image, Network network, ToxiproxyContainer toxiproxyContainer,
                         Map<String, String> nodeEnv, Path runDir, NodeClocks clocks, boolean powerLossDataDirs) {
        super(service);
        if (powerLossDataDirs && runDir == null) {
            throw new IllegalArgumentException("power-loss data dirs need a run dir to mount them in");
        }
        this.image = image;
        this.network = network;
        this.toxiproxyContainer = toxiproxyContainer;
        this.nodeEnv = Map.copyOf(nodeEnv);
        this.runDir = runDir == null ? null : runDir.toAbsolutePath();
        this.clocks = clocks;
        this.powerLossDataDirs = powerLossDataDirs;
    }

    @Override
    public URI clientUrl(String nodeId) {
        int port = LinkWiring.port(links.get(LinkWiring.CLIENT, nodeId));
        return URI.create("http://" + toxiproxyContainer.getHost() + ":" + toxiproxyContainer.getMappedPort(port));
    }

    @Override
    public void start() throws IOException {
        ToxiproxyClient toxiproxy = new ToxiproxyClient(toxiproxyContainer.getHost(), toxiproxyContainer.getControlPort());
        AtomicInteger nextPort = new AtomicInteger(FIRST_PROXY_PORT);
        links.create(toxiproxy, ids, id -> id + ":" + NODE_PORT, name -> "0.0.0.0:" + nextPort.getAndIncrement());
        for (String id : ids) {
            GenericContainer<?> node = new GenericContainer<>(image)
                    .withNetwork(network)
                    .withNetworkAliases(id)
                    .withLabel(LABEL, service)
                    .withEnv("SERVICE", service)
                    .withEnv("NODE_ID", id)
                    .withEnv("PORT", Integer.toString(NODE_PORT))
                    .withEnv("PEERS", peersOf(id))
                    .withEnv("WARM_UP", "false") // cold starts, as ProcessCluster's
                    // C1 only, like the process backend: nine JVMs warming up on two cores otherwise
                    // spend the first seconds compiling instead of electing.
                    .withEnv("JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -XX:TieredStopAtLevel=1")
                    .withEnv(nodeEnv)
                    .waitingFor(Wait.forLogMessage(".*listening on.*", 1).withStartupTimeout(Duration.ofSeconds(120)));
            if (powerLossDataDirs) {
                LazyMount mount = LazyMount.mount(runDir.resolve("mnt").resolve(id), runDir.resolve("durable").resolve(id), true);
                mounts.put(id, mount);
                node.withFileSystemBind(mount.mountPoint().toString(), "/data", BindMode.READ_WRITE);
            }
            if (clocks != null) {
                underFakeClock(node, id);
            }
            node.start();
            nodes.put(id, node);
        }
    }

    private void underFakeClock(GenericContainer<?> node, String id) {
        clocks.writeControlFile(id);
        Path library = clocks.library().toAbsolutePath();
        String libraryInside = FAKETIME_DIR + "/" + library.getFileName();
        String clocksInside = FAKETIME_DIR + "/clocks";
        node.withFileSystemBind(library.toString(), libraryInside, BindMode.READ_ONLY)
                .withFileSystemBind(clocks.dir().toAbsolutePath().toString(), clocksInside, BindMode.READ_ONLY)
                .withEnv(Libfaketime.environment(Path.of(libraryInside),
                        Path.of(clocksInside).resolve(clocks.controlFile(id).getFileName())));
    }

    /** Itself directly, every other node through the proxy of the link id -> peer. */
    private String peersOf(String id) {
        StringJoiner peers = new StringJoiner(",");
        for (String peer : ids) {
            peers.add(peer + "=" + (peer.equals(id)
                    ? "http://" + id + ":" + NODE_PORT
                    : "http://toxiproxy:" + LinkWiring.port(links.get(id, peer))));
        }
        return peers.toString();
    }

    private static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }

    private String containerId(String nodeId) {
        return nodes.get(nodeId).getContainerId();
    }

    @Override
    public void kill(String nodeId) {
        if (isRunning(nodeId)) {
            docker().killContainerCmd(containerId(nodeId)).withSignal("KILL").exec();
        }
    }

    @Override
    public void restart(String nodeId) {
        if (!isRunning(nodeId)) {
            if (clocks != null) {
                clocks.writeControlFile(nodeId); // a new offset takes effect at a start (FAKETIME_XRESET)
            }
            docker().startContainerCmd(containerId(nodeId)).exec();
        }
    }

    @Override
    public Optional<NodeClocks> clocks() {
        return Optional.ofNullable(clocks);
    }

    @Override
    public PowerLoss powerLoss(String nodeId, TornWrite tear, Random random) {
        LazyMount mount = mounts.get(nodeId);
        if (mount == null) {
            throw new IllegalStateException("the cluster was started without power-loss data dirs");
        }
        if (isRunning(nodeId)) {
            throw new IllegalStateException(nodeId + " must be killed before its power loss");
        }
        return mount.powerLoss(tear, random);
    }

    @Override
    public void pause(String nodeId) {
        if (isRunning(nodeId) && !isPaused(nodeId)) {
            docker().pauseContainerCmd(containerId(nodeId)).exec();
        }
    }

    @Override
    public void resume(String nodeId) {
        if (isPaused(nodeId)) {
            docker().unpauseContainerCmd(containerId(nodeId)).exec();
        }
    }

    private boolean isPaused(String nodeId) {
        return Boolean.TRUE.equals(docker().inspectContainerCmd(containerId(nodeId)).exec().getState().getPaused());
    }

    @Override
    public boolean isRunning(String nodeId) {
        return Boolean.TRUE.equals(docker().inspectContainerCmd(containerId(nodeId)).exec().getState().getRunning());
    }

    @Override
    public void collectLogs(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (var e : nodes.entrySet()) {
            Files.writeString(dir.resolve(e.getKey() + ".log"), e.getValue().getLogs());
        }
    }

    /** Removes the containers with their volumes, and the proxies. */
    @Override
    public void close() {
        for (String id : nodes.keySet()) {
            resume(id); // a paused container cannot be removed cleanly
        }
        try {
            nodes.values().forEach(GenericContainer::stop);
            nodes.clear();
            links.deleteAll();
        } finally {
            mounts.values().forEach(LazyMount::close); // the containers are gone: nothing holds the mounts
            mounts.clear();
        }
    }
}
