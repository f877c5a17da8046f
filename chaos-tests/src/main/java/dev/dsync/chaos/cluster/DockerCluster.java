package dev.dsync.chaos.cluster;

import com.github.dockerjava.api.DockerClient;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.DockerClientFactory;
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
    private final Map<String, String> nodeEnv;

    public DockerCluster(String service, DockerImageName image, Network network, ToxiproxyContainer toxiproxyContainer,
                         Map<String, String> nodeEnv) {
        super(service);
        this.image = image;
        this.network = network;
        this.toxiproxyContainer = toxiproxyContainer;
        this.nodeEnv = Map.copyOf(nodeEnv);
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
                    // C1 only, like the process backend: nine JVMs warming up on two cores otherwise
                    // spend the first seconds compiling instead of electing.
                    .withEnv("JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1")
                    .withEnv(nodeEnv)
                    .waitingFor(Wait.forLogMessage(".*listening on.*", 1).withStartupTimeout(Duration.ofSeconds(120)));
            node.start();
            nodes.put(id, node);
        }
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
            docker().startContainerCmd(containerId(nodeId)).exec();
        }
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
        nodes.values().forEach(GenericContainer::stop);
        nodes.clear();
        links.deleteAll();
    }
}
