package dev.dsync.chaos.cluster;

import dev.dsync.chaos.clock.NodeClocks;
import dev.dsync.chaos.lazyfs.PowerLoss;
import dev.dsync.chaos.lazyfs.TornWrite;
import eu.rekawek.toxiproxy.Proxy;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * A three-node cluster of one service whose every link runs through its own Toxiproxy proxy:
 * one per directed peer link (node i reaches node j only through proxy "i->j") and one per
 * client link ("client->i"). Backends differ in how nodes run: local JVM processes or containers.
 */
public interface Cluster extends AutoCloseable {

    String service();

    List<String> nodeIds();

    /** Where the bench's clients reach a node: through that node's client proxy. */
    URI clientUrl(String nodeId);

    /** The proxy that carries traffic from {@code from} to {@code to} ("client" for the client side). */
    Proxy link(String from, String to);

    /** Every peer link, both directions of each pair. */
    List<Proxy> peerLinks();

    /** Every link: peer links and client links. */
    List<Proxy> allLinks();

    void start() throws IOException, InterruptedException;

    /** SIGKILL: nothing is flushed, no shutdown hook runs. */
    void kill(String nodeId) throws IOException, InterruptedException;

    /** Starts a killed node again on its own data. */
    void restart(String nodeId) throws IOException, InterruptedException;

    /** SIGSTOP / SIGCONT: the process stays alive but does nothing, like a long GC pause. */
    void pause(String nodeId) throws IOException, InterruptedException;

    void resume(String nodeId) throws IOException, InterruptedException;

    boolean isRunning(String nodeId);

    /**
     * Whether the nodes are real dsync nodes that report their state digest ({@code GET /debug/digest})
     * for the convergence check at the end of a run; test doubles without replicated state are not.
     */
    default boolean reportsStateDigests() {
        return true;
    }

    /** The nodes' fake clocks, when they run under libfaketime; empty otherwise. */
    default Optional<NodeClocks> clocks() {
        return Optional.empty();
    }

    /**
     * Power loss of a killed node's disk: its data dir loses whatever the node wrote but did not
     * fsync ({@code tear} says what happens to its last write). Only backends that serve data dirs
     * from the lazy file system support it.
     */
    default PowerLoss powerLoss(String nodeId, TornWrite tear, Random random) throws IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot simulate a power loss");
    }

    /** Copies each node's log into {@code dir} as {@code <id>.log}. */
    void collectLogs(Path dir) throws IOException;

    @Override
    void close();
}
