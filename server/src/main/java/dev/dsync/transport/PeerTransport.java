package dev.dsync.transport;

import dev.dsync.raft.Message;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends Raft messages to peers: one {@link PeerLink} per peer, each a persistent stream of
 * length-prefixed binary frames ({@link MessageCodec}), many messages per write. Raft tolerates
 * lost, duplicated and reordered messages, so a send that fails is dropped, not retried: the core
 * resends what still matters (heartbeats, probes). A full queue drops the newest message rather than
 * block the Raft loop. A watchdog closes a link whose write has been stuck too long (a peer that
 * stopped reading), so the link reconnects instead of hanging.
 *
 * <p>The links' threads are platform threads, not virtual ones: each message would otherwise wake a
 * virtual thread through the carrier pool, and on an idle cluster (heartbeats only) those hand-offs
 * were most of the node's CPU (see docs/architecture.md, RaftLoop).
 */
public final class PeerTransport implements AutoCloseable {
    public static final String TOKEN_HEADER = "X-Dsync-Cluster-Token";
    /** The sending node's id, declared once when a stream opens. */
    public static final String FROM_HEADER = "X-Dsync-From";
    public static final String STREAM_PATH = "/raft/stream";
    /** A whole state machine image may take a while to send. */
    static final Duration SNAPSHOT_TIMEOUT = Duration.ofSeconds(30);
    /** A stuck write is noticed 0-250 ms after its limit; a shorter period cost an idle node measurable CPU. */
    private static final long WATCHDOG_MS = 250;

    private final Map<String, PeerLink> links = new HashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread watchdog;
    private volatile boolean closed;

    /** @param requestTimeout how long a connect or a write of ordinary messages may take before the link gives up */
    public PeerTransport(String selfId, Map<String, URI> peers, String clusterToken, Duration requestTimeout) {
        for (Map.Entry<String, URI> peer : peers.entrySet()) {
            if (!peer.getKey().equals(selfId)) {
                PeerLink link = new PeerLink(selfId, peer.getKey(), peer.getValue(), clusterToken, requestTimeout, dropped);
                links.put(peer.getKey(), link);
                link.start();
            }
        }
        watchdog = Thread.ofPlatform().daemon().name("peer-watchdog").start(this::watch);
    }

    /** Queues a message for its destination; never blocks. */
    public void send(Message m) {
        PeerLink link = links.get(m.to());
        if (link == null) {
            throw new IllegalArgumentException("no peer " + m.to());
        }
        link.offer(m);
    }

    public long droppedMessages() {
        return dropped.get();
    }

    private void watch() {
        while (!closed) {
            try {
                Thread.sleep(WATCHDOG_MS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (PeerLink link : links.values()) {
                link.closeIfStuck(now);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        watchdog.interrupt();
        for (PeerLink link : links.values()) {
            link.close();
        }
    }
}
