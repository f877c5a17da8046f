package dev.dsync.transport;

import dev.dsync.raft.Message;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends Raft messages to peers: one {@link PeerLink} per peer, each a persistent stream of
 * length-prefixed binary frames ({@link MessageCodec}), many messages per write. A link is opened
 * on the first message to a peer, at the address the {@link MemberDirectory} gives, and closed once
 * the directory forgets the peer (membership changes) or gives another address. Raft tolerates
 * lost, duplicated and reordered messages, so a send that fails is dropped, not retried: the core
 * resends what still matters (heartbeats, probes). Sending never blocks the Raft loop: the loop
 * writes a message to a non-blocking socket itself, and what the socket does not take waits for the
 * link's thread (a full backlog drops the newest message); a link whose backlog makes no progress
 * for the request timeout (a peer that stopped reading) is closed and reconnects.
 *
 * <p>The links' threads are platform threads, not virtual ones, and a message wakes none of them
 * while its link keeps up: on an idle cluster (heartbeats only) thread hand-offs were most of a
 * node's CPU (see docs/architecture.md, RaftLoop).
 */
public final class PeerTransport implements AutoCloseable {
    public static final String TOKEN_HEADER = "X-Dsync-Cluster-Token";
    /** The sending node's id, declared once when a stream opens. */
    public static final String FROM_HEADER = "X-Dsync-From";
    /** Where the sending node is reached, declared beside its id: a joining node learns its leader's address from it. */
    public static final String FROM_URL_HEADER = "X-Dsync-From-Url";
    public static final String STREAM_PATH = "/raft/stream";
    private static final System.Logger LOG = System.getLogger(PeerTransport.class.getName());

    private final String selfId;
    private final MemberDirectory directory;
    private final String advertisedUrl;
    private final String clusterToken;
    private final Duration requestTimeout;
    /** Created on the first send to a member, replaced when its address changes; read by the watchdog too. */
    private final Map<String, PeerLink> links = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong unknown = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param advertisedUrl  where peers reach this node, declared to every peer a stream opens to
     * @param requestTimeout how long a connect may take, and a backlog make no progress, before the link gives up
     */
    public PeerTransport(String selfId, MemberDirectory directory, String advertisedUrl, String clusterToken,
                         Duration requestTimeout) {
        this.selfId = selfId;
        this.directory = directory;
        this.advertisedUrl = advertisedUrl;
        this.clusterToken = clusterToken;
        this.requestTimeout = requestTimeout;
    }

    /** A fixed member list; this node declares its own entry as its address. */
    public PeerTransport(String selfId, Map<String, URI> peers, String clusterToken, Duration requestTimeout) {
        this(selfId, MemberDirectory.fixed(peers), peers.containsKey(selfId) ? peers.get(selfId).toString() : "",
                clusterToken, requestTimeout);
    }

    /**
     * Queues a message for its destination; never blocks, never throws. A message to a node the
     * directory does not know is dropped and counted: Raft resends what still matters once the
     * configuration names it, and a reply to a stranger is worth nothing.
     */
    public void send(Message m) {
        URI url = directory.address(m.to());
        if (url == null || closed) {
            dropped.incrementAndGet();
            if (unknown.getAndIncrement() % 1000 == 0 && !closed) {
                LOG.log(System.Logger.Level.DEBUG, "no address for {0}: message dropped", m.to());
            }
            return;
        }
        PeerLink link = links.get(m.to());
        if (link == null || !link.base().equals(url)) {
            link = open(m.to(), url, link);
        }
        link.offer(m);
    }

    private PeerLink open(String peer, URI url, PeerLink previous) {
        if (previous != null) {
            links.remove(peer, previous);
            previous.close();
        }
        PeerLink link = new PeerLink(selfId, advertisedUrl, peer, url, clusterToken, requestTimeout, dropped);
        links.put(peer, link);
        link.start();
        return link;
    }

    /**
     * Closes the links of members the directory no longer knows, or now reaches elsewhere (the
     * next send opens a fresh one). Called by the Raft loop after it publishes a new configuration.
     */
    public void closeStaleLinks() {
        for (Map.Entry<String, PeerLink> e : links.entrySet()) {
            URI url = directory.address(e.getKey());
            if (url == null || !url.equals(e.getValue().base())) {
                if (links.remove(e.getKey(), e.getValue())) {
                    e.getValue().close();
                }
            }
        }
    }

    public long droppedMessages() {
        return dropped.get();
    }

    /** Messages dropped because their destination had no known address (also in {@link #droppedMessages}). */
    public long unknownDestinations() {
        return unknown.get();
    }

    /** The ids this node has a link to now. */
    public Set<String> linkedPeers() {
        return Set.copyOf(links.keySet());
    }

    @Override
    public void close() {
        closed = true;
        for (PeerLink link : links.values()) {
            link.close();
        }
    }
}
