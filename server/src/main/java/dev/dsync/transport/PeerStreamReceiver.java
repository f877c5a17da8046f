package dev.dsync.transport;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.dsync.raft.Message;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Serves {@code POST /raft/stream}: a peer's stream of Raft messages ({@link PeerLink} is the other
 * end). The cluster token and the sender are checked once, when the stream opens, and the first
 * frame is read before answering, so a bad stream gets a 4xx with a JSON error that names the
 * problem and delivers nothing. After the 200 every frame is delivered in order; a frame that is
 * malformed or not addressed from that sender to this node ends the stream (logged), as does a newer
 * stream from the same sender (the older connection may be half-open).
 *
 * <p>Streams from ids outside this node's configuration are taken: a joining node knows none yet,
 * and a member's log may lag behind the change that added the sender. The cluster token, when set,
 * is what authenticates a peer. The address a sender declares ({@link PeerTransport#FROM_URL_HEADER})
 * goes to the {@link MemberDirectory}, so this node can answer a sender it never heard of.
 */
public final class PeerStreamReceiver implements HttpHandler {
    private static final System.Logger LOG = System.getLogger(PeerStreamReceiver.class.getName());
    private static final long MAX_DRAIN_BYTES = 64L << 20;

    /** A sender's id is a short printable token; anything else is not a peer. */
    private static final int MAX_ID_LENGTH = 256;

    private final String selfId;
    private final MemberDirectory directory;
    private final String clusterToken;
    private final Consumer<Message> deliver;
    /** Per sender, the number of its newest stream: only that stream delivers. */
    private final Map<String, AtomicLong> generations = new ConcurrentHashMap<>();

    public PeerStreamReceiver(String selfId, MemberDirectory directory, String clusterToken, Consumer<Message> deliver) {
        this.selfId = selfId;
        this.directory = directory;
        this.clusterToken = clusterToken;
        this.deliver = deliver;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String from = exchange.getRequestHeaders().getFirst(PeerTransport.FROM_HEADER);
            String path = exchange.getRequestURI().getPath();
            if (!PeerTransport.STREAM_PATH.equals(path)) {
                refuse(exchange, 404, "no such endpoint: " + exchange.getRequestMethod() + " " + path);
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                refuse(exchange, 405, "method " + exchange.getRequestMethod() + " is not allowed on " + PeerTransport.STREAM_PATH + "; use POST");
                return;
            }
            if (!clusterToken.isEmpty() && !clusterToken.equals(exchange.getRequestHeaders().getFirst(PeerTransport.TOKEN_HEADER))) {
                refuse(exchange, 401, "missing or wrong cluster token");
                return;
            }
            if (from == null || from.isBlank() || from.equals(selfId) || from.length() > MAX_ID_LENGTH) {
                refuse(exchange, 400, PeerTransport.FROM_HEADER + " must name the sending node (not " + selfId + "), got " + from);
                return;
            }
            DataInputStream in = new DataInputStream(new BufferedInputStream(exchange.getRequestBody(), 64 * 1024));
            Message first;
            try {
                first = MessageCodec.readFrame(in);
            } catch (IllegalArgumentException e) {
                refuse(exchange, 400, e.getMessage());
                return;
            } catch (IOException e) {
                refuse(exchange, 400, "the raft stream broke inside its first frame: " + e.getMessage());
                return;
            }
            String problem = first == null ? "the raft stream ended before its first message" : misaddressed(first, from);
            if (problem != null) {
                refuse(exchange, 400, problem);
                return;
            }
            directory.learn(from, exchange.getRequestHeaders().getFirst(PeerTransport.FROM_URL_HEADER));
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().flush();
            long generation = generations.computeIfAbsent(from, id -> new AtomicLong()).incrementAndGet();
            // Read on a platform thread: a virtual one would pass through the socket poller and the carrier
            // pool for every batch, which on an idle cluster was most of the node's CPU. This handler's
            // virtual thread just waits for the stream to end.
            Message opening = first;
            Thread reader = Thread.ofPlatform().daemon().name("recv-" + from)
                    .start(() -> receive(opening, from, in, generation));
            try {
                reader.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void receive(Message first, String from, DataInputStream in, long generation) {
        Message m = first;
        try {
            while (m != null) {
                if (generations.get(from).get() != generation) {
                    return; // a newer stream from the same sender took over
                }
                deliver.accept(m);
                m = MessageCodec.readFrame(in);
                String problem = m == null ? null : misaddressed(m, from);
                if (problem != null) {
                    LOG.log(System.Logger.Level.WARNING, "closing the raft stream from {0}: {1}", from, problem);
                    return;
                }
            }
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the raft stream from {0}: {1}", from, e.getMessage());
        } catch (IOException e) {
            // the sender went away or this node is stopping: the sender reconnects when it can
        }
    }

    private String misaddressed(Message m, String from) {
        if (!m.from().equals(from) || !m.to().equals(selfId)) {
            return m.getClass().getSimpleName() + " from " + m.from() + " to " + m.to() + " does not belong on the stream from "
                    + from + " to " + selfId;
        }
        return null;
    }

    /**
     * Answers with a JSON error, then reads what the sender still sends (up to {@link #MAX_DRAIN_BYTES})
     * before the connection closes: a sender still writing its body would otherwise meet a reset and
     * never read the answer. A refused peer stream ends the drain itself: its sender closes the
     * connection once it has read the status.
     */
    private static void refuse(HttpExchange exchange, int status, String error) throws IOException {
        byte[] body = JsonNodeFactory.instance.objectNode().put("error", error).toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Connection", "close");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
            out.flush();
            InputStream in = exchange.getRequestBody();
            byte[] sink = new byte[64 * 1024];
            long drained = 0;
            for (int n = in.read(sink); n != -1 && drained <= MAX_DRAIN_BYTES; n = in.read(sink)) {
                drained += n;
            }
        } catch (IOException e) {
            // the sender hung up after reading the answer, or before: nothing more to tell it
        }
    }
}
