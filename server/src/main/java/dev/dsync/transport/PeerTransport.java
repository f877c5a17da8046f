package dev.dsync.transport;

import dev.dsync.raft.Message;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends Raft messages to peers over HTTP, one ordered sender per peer. Raft tolerates lost,
 * duplicated and reordered messages, so a send that fails is dropped, not retried: the core
 * resends what still matters (heartbeats, probes). A full queue drops the newest message rather
 * than block the Raft loop.
 */
public final class PeerTransport implements AutoCloseable {
    public static final String TOKEN_HEADER = "X-Dsync-Cluster-Token";
    private static final int QUEUE_CAPACITY = 4096;
    /** A whole state machine image may take a while to send and install. */
    private static final Duration SNAPSHOT_TIMEOUT = Duration.ofSeconds(30);
    private static final System.Logger LOG = System.getLogger(PeerTransport.class.getName());

    private final String selfId;
    private final Map<String, URI> peers;
    private final String clusterToken;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final Map<String, BlockingQueue<Message>> queues = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    public PeerTransport(String selfId, Map<String, URI> peers, String clusterToken, Duration requestTimeout) {
        this.selfId = selfId;
        this.peers = Map.copyOf(peers);
        this.clusterToken = clusterToken;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(requestTimeout)
                .version(HttpClient.Version.HTTP_1_1)
                .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
                .build();
        for (String peer : this.peers.keySet()) {
            if (!peer.equals(selfId)) {
                BlockingQueue<Message> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
                queues.put(peer, queue);
                Thread.ofVirtual().name("send-" + peer).start(() -> drain(peer, queue));
            }
        }
    }

    /** Queues a message for its destination; never blocks. */
    public void send(Message m) {
        BlockingQueue<Message> queue = queues.get(m.to());
        if (queue == null) {
            throw new IllegalArgumentException("no peer " + m.to());
        }
        if (!queue.offer(m)) {
            dropped.incrementAndGet();
        }
    }

    public long droppedMessages() {
        return dropped.get();
    }

    private void drain(String peer, BlockingQueue<Message> queue) {
        URI base = peers.get(peer);
        long failuresInARow = 0;
        while (!closed) {
            Message m;
            try {
                m = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (m == null) {
                continue;
            }
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(MessageCodec.pathOf(m)))
                        .timeout(m instanceof Message.SnapshotRequest ? SNAPSHOT_TIMEOUT : requestTimeout)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(MessageCodec.encode(m)));
                if (!clusterToken.isEmpty()) {
                    request.header(TOKEN_HEADER, clusterToken);
                }
                HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() / 100 != 2) {
                    LOG.log(System.Logger.Level.WARNING, "{0} refused a message from {1}: HTTP {2}", peer, selfId, response.statusCode());
                }
                failuresInARow = 0;
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                dropped.incrementAndGet();
                // Log the first failure of a streak only: a dead peer would otherwise flood the log.
                if (failuresInARow++ == 0) {
                    LOG.log(System.Logger.Level.INFO, "cannot reach {0}: {1}", peer, e.toString());
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        http.shutdownNow();
    }
}
