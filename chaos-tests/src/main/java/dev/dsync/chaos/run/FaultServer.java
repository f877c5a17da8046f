package dev.dsync.chaos.run;

import dev.dsync.chaos.clock.ClockFaults;
import dev.dsync.chaos.clock.Libfaketime;
import dev.dsync.chaos.clock.NodeClocks;
import dev.dsync.chaos.cluster.Cluster;
import dev.dsync.chaos.cluster.DockerCluster;
import dev.dsync.chaos.cluster.ProcessCluster;
import dev.dsync.chaos.toxiproxy.EmbeddedToxiproxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.ToxiproxyContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The Toxiproxy server every fault goes through, chosen as the issue orders: Docker
 * (CHAOS_BACKEND=docker: a ToxiproxyContainer, nodes as containers), an external server
 * (TOXIPROXY_URL, nodes as local processes), or the embedded one (the default).
 */
final class FaultServer implements AutoCloseable {
    private final ChaosOptions options;
    private final ToxiproxyClient client;
    private final String host;
    private final AutoCloseable owned;
    private final Network network;
    private final ToxiproxyContainer container;

    private FaultServer(ChaosOptions options, ToxiproxyClient client, String host, AutoCloseable owned,
                        Network network, ToxiproxyContainer container) {
        this.options = options;
        this.client = client;
        this.host = host;
        this.owned = owned;
        this.network = network;
        this.container = container;
    }

    static FaultServer start(ChaosOptions options) throws IOException {
        if (options.backend().equals("docker")) {
            Network network = Network.newNetwork();
            DockerImageName toxiproxyImage = DockerImages.toxiproxy();
            ToxiproxyContainer container = new ToxiproxyContainer(toxiproxyImage)
                    .withNetwork(network).withNetworkAliases("toxiproxy").withLabels(Map.of(DockerCluster.LABEL, "toxiproxy"));
            container.start();
            System.out.println("chaos: Docker backend: nodes from " + DockerImages.node() + ", Toxiproxy " + toxiproxyImage
                    + " at " + container.getHost() + ":" + container.getControlPort());
            return new FaultServer(options, null, container.getHost(), container, network, container);
        }
        if (options.toxiproxyUrl() != null) {
            URI url = URI.create(options.toxiproxyUrl());
            System.out.println("chaos: Toxiproxy at " + url + ", nodes as local processes");
            return new FaultServer(options, new ToxiproxyClient(url.getHost(), url.getPort()), url.getHost(), null, null, null);
        }
        EmbeddedToxiproxy embedded = EmbeddedToxiproxy.start(0);
        System.out.println("chaos: embedded Toxiproxy-compatible server on " + embedded.host() + ":" + embedded.apiPort()
                + ", nodes as local processes");
        return new FaultServer(options, embedded.client(), embedded.host(), embedded, null, null);
    }

    Cluster cluster(String service, Path runDir, Map<String, String> nodeEnv) throws IOException {
        return cluster(service, runDir, nodeEnv, false, false);
    }

    /**
     * With {@code fakeClocks} (the schedule has clock faults), nodes run under libfaketime, each
     * starting with its own clock offset. With {@code powerLoss} (the schedule has power faults), data
     * dirs are lazy file system mounts. Both backends do both: the faults are made on this host.
     */
    Cluster cluster(String service, Path runDir, Map<String, String> nodeEnv, boolean fakeClocks, boolean powerLoss)
            throws IOException {
        NodeClocks clocks = fakeClocks ? new NodeClocks(Libfaketime.require(), runDir.toAbsolutePath().resolve("clocks")) : null;
        Cluster cluster = container != null
                ? new DockerCluster(service, DockerImages.node(), network, container, nodeEnv, runDir, clocks, powerLoss)
                : new ProcessCluster(service, client, host, options.serverJar().toAbsolutePath(), runDir, nodeEnv, clocks,
                        powerLoss);
        if (clocks != null) {
            ClockFaults.skewAtLaunch(clocks, cluster.nodeIds(), options.seed());
        }
        return cluster;
    }

    @Override
    public void close() throws Exception {
        if (owned != null) {
            owned.close();
        }
        if (network != null) {
            network.close();
        }
    }
}
