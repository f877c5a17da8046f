package dev.dsync.chaos.cluster;

import com.github.dockerjava.api.DockerClient;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.ToxiproxyContainer;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * {@code CHAOS_BACKEND=docker}: nodes as containers built from {@code docker/Dockerfile} on a
 * Testcontainers network, every link through a ToxiproxyContainer. Kill is {@code docker kill}
 * (SIGKILL) and restart starts the same container on its own /data; pause is {@code docker pause}.
 */
public final class DockerCluster extends ProxiedCluster {
    /** ToxiproxyContainer exposes these 32 ports for proxies. */
    private static final int FIRST_PROXY_PORT = 8666;
    private static final int NODE_PORT = 8000;

    private final Network network;
    private final ToxiproxyContainer toxiproxyContainer;
    private final ImageFromDockerfile image;
    private final Map<String, GenericContainer<?>> nodes = new LinkedHashMap<>();
    private final Map<String, String> nodeEnv;
    private ToxiproxyClient toxiproxy;

    public DockerCluster(String service, Path repoRoot, Network network, ToxiproxyContainer toxiproxyContainer,
                         Map<String, String> nodeEnv) {
        super(service);
        this.network = network;
        this.toxiproxyContainer = toxiproxyContainer;
        this.image = new ImageFromDockerfile("dsync-node", false)
                .withFileFromPath("server/target/server.jar", repoRoot.resolve("server/target/server.jar"))
                .withFileFromPath("docker/Dockerfile", repoRoot.resolve("docker/Dockerfile"))
                .withDockerfilePath("docker/Dockerfile");
        this.nodeEnv = Map.copyOf(nodeEnv);
    }

    @Override
    public URI clientUrl(String nodeId) {
        int port = LinkWiring.port(links.get(LinkWiring.CLIENT, nodeId));
        return URI.create("http://" + toxiproxyContainer.getHost() + ":" + toxiproxyContainer.getMappedPort(port));
    }

    @Override
    public void start() throws IOException {
        toxiproxy = new ToxiproxyClient(toxiproxyContainer.getHost(), toxiproxyContainer.getControlPort());
        AtomicInteger nextPort = new AtomicInteger(FIRST_PROXY_PORT);
        links.create(toxiproxy, ids, id -> id + ":" + NODE_PORT, name -> "0.0.0.0:" + nextPort.getAndIncrement());
        for (String id : ids) {
            StringJoiner peers = new StringJoiner(",");
            for (String peer : ids) {
                peers.add(peer + "=" + (peer.equals(id)
                        ? "http://" + id + ":" + NODE_PORT
                        : "http://toxiproxy:" + LinkWiring.port(links.get(id, peer))));
            }
            GenericContainer<?> node = new GenericContainer<>(image)
                    .withNetwork(network)
                    .withNetworkAliases(id)
                    .withEnv("SERVICE", service)
                    .withEnv("NODE_ID", id)
                    .withEnv("PORT", Integer.toString(NODE_PORT))
                    .withEnv("PEERS", peers.toString())
                    .withEnv(nodeEnv);
            node.start();
            nodes.put(id, node);
        }
    }

    private DockerClient docker() {
        return DockerClientFactory.instance().client();
    }

    private String containerId(String nodeId) {
        return nodes.get(nodeId).getContainerId();
    }

    @Override
    public void kill(String nodeId) {
        docker().killContainerCmd(containerId(nodeId)).withSignal("KILL").exec();
    }

    @Override
    public void restart(String nodeId) {
        if (!isRunning(nodeId)) {
            docker().startContainerCmd(containerId(nodeId)).exec();
        }
    }

    @Override
    public void pause(String nodeId) {
        docker().pauseContainerCmd(containerId(nodeId)).exec();
    }

    @Override
    public void resume(String nodeId) {
        docker().unpauseContainerCmd(containerId(nodeId)).exec();
    }

    @Override
    public boolean isRunning(String nodeId) {
        Boolean running = docker().inspectContainerCmd(containerId(nodeId)).exec().getState().getRunning();
        return Boolean.TRUE.equals(running);
    }

    @Override
    public void collectLogs(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (var e : nodes.entrySet()) {
            Files.writeString(dir.resolve(e.getKey() + ".log"), e.getValue().getLogs());
        }
    }

    @Override
    public void close() {
        nodes.values().forEach(GenericContainer::stop);
        nodes.clear();
        links.deleteAll();
    }
}
