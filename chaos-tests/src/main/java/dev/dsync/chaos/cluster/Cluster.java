package dev.dsync.chaos.cluster;

import dev.dsync.chaos.clock.NodeClocks;
import dev.dsync.chaos.lazyfs.PowerLoss;
import dev.dsync.chaos.lazyfs.TornWrite;
import eu.rekawek.toxiproxy.Proxy;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * A three-node cluster of one service whose every link runs through its own Toxiproxy proxy:
 * one per directed peer link (node i reaches node j only through proxy "i->j") and one per
 * client link ("client->i"). Backends differ in how nodes run: local JVM processes or containers.
 * Backends that {@link #canStartNodes() can} also start nodes that join at run time (the
 * membership nemesis); those have a client proxy and one inbound peer proxy only (see LinkWiring).
 */
public interface Cluster extends AutoCloseable {

    String service();

    /**
     * The members: the founding three until a membership change, then the configuration as the bench
     * last saw it. Clients pick nodes from it on every request, so they follow the changes.
     */
    List<String> nodeIds();

    /** The {@code index}-th member, wrapping around: how clients go round the current members. */
    default String nodeAt(int index) {
        List<String> members = nodeIds();
        return members.get(Math.floorMod(index, members.size()));
    }

    /** Every node started in this run, members or not (logs are collected from all of them). */
    default List<String> allNodeIds() {
        return nodeIds();
    }

    /** Records the configuration after a membership change: what {@link #nodeIds()} returns from now on. */
    default void useMembers(List<String> members) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has a fixed member list");
    }

    /** Whether this backend can start a node that joins the running cluster ({@link #startJoining}). */
    default boolean canStartNodes() {
        return false;
    }

    /**
     * Starts a new node with {@code --join} (through {@code via}'s client proxy), the admin token and
     * an advertised URL that runs through its inbound proxy; it asks to be added itself. Returns its id.
     */
    default String startJoining(String via) throws IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot start nodes at run time");
    }

    /** The admin token every node was started with ({@code ADMIN_TOKEN}), if any. */
    default Optional<String> adminToken() {
        return Optional.empty();
    }

    /** Where the bench's clients reach a node: through that node's client proxy. */
    URI clientUrl(String nodeId);

    /** The proxy that carries traffic from {@code from} to {@code to} ("client" for the client side). */
    Proxy link(String from, String to);

    /** Whether {@link #link} has a proxy for {@code from -> to} alone: not to or from a node that joined at run time. */
    default boolean hasLink(String from, String to) {
        return true;
    }

    /**
     * For a node that joined at run time, the one proxy every member reaches it through (cutting it
     * cuts them all); empty for a founder, whose inbound links are each their own proxy.
     */
    default Optional<Proxy> sharedInbound(String nodeId) {
        return Optional.empty();
    }

    /**
     * Whether a current member joined at run time: its links cannot then be cut one by one (its outbound
     * traffic has no proxy of its own), which shapes that cut a leader off link by link need.
     */
    default boolean anyMemberJoinedAtRunTime() {
        return nodeIds().stream().anyMatch(member -> sharedInbound(member).isPresent());
    }

    /**
     * The proxies that carry the other members' traffic to {@code nodeId}: a joined node's one shared
     * inbound proxy, or a founder's link from each member of {@code ids} that has one.
     */
    default List<Proxy> inboundLinks(String nodeId, List<String> ids) {
        return sharedInbound(nodeId).map(List::of).orElseGet(() -> ids.stream()
                .filter(other -> !other.equals(nodeId) && hasLink(other, nodeId))
                .map(other -> link(other, nodeId)).toList());
    }

    /** Every peer link, both directions of each pair. */
    List<Proxy> peerLinks();

    /** Every link: peer links and client links. */
    List<Proxy> allLinks();

    void start() throws IOException, InterruptedException;

    /** SIGKILL: nothing is flushed, no shutdown hook runs. */
    void kill(String nodeId) throws IOException, InterruptedException;

    /**
     * SIGTERM, and waits up to {@code limitMs} for the process to exit (then SIGKILL): the node's
     * shutdown hook runs (a leader hands leadership over first). Backends that cannot say false.
     */
    default boolean stop(String nodeId, long limitMs) throws IOException, InterruptedException {
        return false;
    }

    /** Starts a killed (or stopped) node again on its own data. */
    void restart(String nodeId) throws IOException, InterruptedException;

    /** SIGSTOP / SIGCONT: the process stays alive but does nothing, like a long GC pause. */
    void pause(String nodeId) throws IOException, InterruptedException;

    void resume(String nodeId) throws IOException, InterruptedException;

    boolean isRunning(String nodeId);

    /**
     * Nodes whose process ended without the bench stopping it, each with what is known of why (exit
     * code, the log's last error line). The server halts when one of its own safety assertions fails,
     * so such an exit is a bug found, not a fault to ride out. Backends that cannot tell say none.
     */
    default Map<String, String> exitedOnTheirOwn() throws IOException {
        return Map.of();
    }

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

    /** The node's data dir as this machine sees it (the lazy file system's mount, if any); empty for a backend that does not show it. */
    default Optional<Path> dataDir(String nodeId) {
        return Optional.empty();
    }

    /** Copies each node's log, removed and joined nodes' too, into {@code dir} as {@code <id>.log}. */
    void collectLogs(Path dir) throws IOException;

    @Override
    void close();
}
