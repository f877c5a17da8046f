package dev.dsync.transport;

import dev.dsync.raft.Message;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stream of Raft messages from this node to one peer: {@code POST /raft/stream} with a chunked
 * body that never ends, each chunk one or more frames, over one persistent TCP connection. Through
 * the chaos bench's proxies each directed link is its own connection, so cutting A->B silences
 * exactly A's messages to B.
 *
 * <p>The caller (the Raft loop) writes its message to the socket itself when the link is connected
 * and nothing is waiting before it: the socket is non-blocking, so a peer that stops reading never
 * stalls the loop, and no other thread wakes up for the message. What the socket does not take at
 * once waits in the backlog, which the link's own thread writes as the socket drains; that thread
 * also connects (messages offered meanwhile wait, up to {@link #WAITING_CAPACITY}), reads the peer's
 * answer (a refusal is logged; the end of the connection makes the next message reconnect) and
 * closes a connection whose backlog has made no progress for the link's timeout (a peer that
 * stopped reading), dropping what it held: Raft resends what still matters.
 *
 * <p>Invariant: bytes reach the socket in the order their messages were offered; only the holder of
 * {@link #lock} writes to the socket, and only when {@link #backlog} is empty or from its head.
 */
final class PeerLink {
    private static final System.Logger LOG = System.getLogger(PeerLink.class.getName());
    /** Messages offered while the link connects; more are dropped. */
    private static final int WAITING_CAPACITY = 4096;
    /** Bytes the backlog may hold before new messages are dropped (one message is always taken). */
    private static final long BACKLOG_LIMIT_BYTES = 64L << 20;
    private static final int ANSWER_BYTES = 2048;
    private static final String STATUS_LINE_START = "HTTP/1.1";
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)\\r\\ncontent-length:\\s*(\\d{1,9})");
    private static final byte[] CRLF = {'\r', '\n'};

    private final String selfId;
    private final String advertisedUrl;
    private final String peer;
    private final URI base;
    private final String clusterToken;
    private final Duration timeout;
    private final AtomicLong dropped;
    private final Selector selector;
    private final Thread io;

    private final Object lock = new Object();
    // Guarded by lock.
    private SocketChannel channel;
    private final ArrayDeque<Pending> backlog = new ArrayDeque<>();
    private long backlogBytes;
    /** When the backlog last made progress (or became non-empty). */
    private long lastProgressNanos;
    private final ArrayDeque<Message> waiting = new ArrayDeque<>();
    private final FrameBuffer frames = new FrameBuffer();
    private boolean closed;
    /** The link thread is encoding messages taken from {@link #waiting}: new ones must wait behind them. */
    private boolean encoding;

    // The link thread's own.
    private final ByteBuffer answer = ByteBuffer.allocate(ANSWER_BYTES);
    private long failuresInARow;

    /** Encoded bytes not yet written, and how many messages they carry. */
    private record Pending(ByteBuffer bytes, int messages) {}

    PeerLink(String selfId, String advertisedUrl, String peer, URI base, String clusterToken, Duration timeout, AtomicLong dropped) {
        this.selfId = selfId;
        this.advertisedUrl = advertisedUrl;
        this.peer = peer;
        this.base = base;
        this.clusterToken = clusterToken;
        this.timeout = timeout;
        this.dropped = dropped;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for the link to " + peer, e);
        }
        this.io = Thread.ofPlatform().daemon().name("link-" + peer).unstarted(this::run);
    }

    URI base() {
        return base;
    }

    void start() {
        io.start();
    }

    /**
     * Sends or queues a message; never blocks on the network. A snapshot is encoded by the link's
     * thread, not the caller's (it can be tens of megabytes), and what follows it waits for it.
     */
    void offer(Message m) {
        boolean wake;
        synchronized (lock) {
            if (closed) {
                dropped.incrementAndGet();
                return;
            }
            if (channel == null || encoding || !waiting.isEmpty() || m instanceof Message.SnapshotRequest) {
                if (waiting.size() < WAITING_CAPACITY) {
                    waiting.add(m);
                } else {
                    dropped.incrementAndGet();
                }
                wake = true;
            } else if (backlogBytes > BACKLOG_LIMIT_BYTES) {
                dropped.incrementAndGet();
                wake = false;
            } else {
                boolean wasEmpty = backlog.isEmpty();
                addToBacklog(chunk(List.of(m)), 1);
                flushLocked();
                // The link thread must watch for the socket to drain what it did not take.
                wake = wasEmpty && !backlog.isEmpty();
            }
        }
        if (wake) {
            selector.wakeup();
        }
    }

    private void addToBacklog(ByteBuffer bytes, int messages) {
        if (backlog.isEmpty()) {
            lastProgressNanos = System.nanoTime();
        }
        backlog.add(new Pending(bytes, messages));
        backlogBytes += bytes.remaining();
    }

    /** Encodes what waits (outside the lock: a snapshot takes a while) and queues it behind the backlog. */
    private void encodeWaiting() {
        List<Message> batch;
        synchronized (lock) {
            if (channel == null || waiting.isEmpty()) {
                return;
            }
            batch = List.copyOf(waiting);
            waiting.clear();
            encoding = true; // what is offered meanwhile waits behind this batch
        }
        ByteBuffer bytes = encode(batch);
        synchronized (lock) {
            encoding = false;
            if (channel == null) {
                dropped.addAndGet(batch.size());
            } else {
                addToBacklog(bytes, batch.size());
            }
        }
    }

    private void run() {
        while (true) {
            boolean connect;
            synchronized (lock) {
                if (closed) {
                    break;
                }
                connect = channel == null && !waiting.isEmpty();
            }
            if (connect) {
                connect();
            }
            encodeWaiting();
            try {
                long waitMs = watch();
                if (waitMs >= 0) {
                    selector.select(waitMs);
                    selector.selectedKeys().clear();
                }
                readAnswer();
            } catch (IOException e) {
                disconnect(e);
            }
        }
        disconnect(null);
        closeQuietly(selector);
    }

    /**
     * Writes what the socket takes, gives up on a connection whose backlog has stalled, and sets what
     * the selector waits for. Returns how long to wait (0: until woken), or -1 to go round at once.
     */
    private long watch() throws IOException {
        synchronized (lock) {
            if (channel == null || !waiting.isEmpty()) {
                return waiting.isEmpty() ? 0 : -1;
            }
            flushLocked();
            if (channel == null) {
                return -1; // the write failed
            }
            SelectionKey key = channel.keyFor(selector);
            if (backlog.isEmpty()) {
                key.interestOps(SelectionKey.OP_READ);
                return 0;
            }
            long stalledNanos = System.nanoTime() - lastProgressNanos;
            if (stalledNanos > timeout.toNanos()) {
                throw new IOException(peer + " took nothing for " + timeout.toMillis() + " ms (it stopped reading)");
            }
            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            return Math.max(1, (timeout.toNanos() - stalledNanos) / 1_000_000 + 1);
        }
    }

    /** Writes from the backlog's head until it is empty or the socket takes no more; a failed write disconnects. */
    private void flushLocked() {
        try {
            while (!backlog.isEmpty()) {
                ByteBuffer head = backlog.peekFirst().bytes();
                int written = channel.write(head);
                if (written > 0) {
                    backlogBytes -= written;
                    lastProgressNanos = System.nanoTime();
                }
                if (head.hasRemaining()) {
                    return;
                }
                backlog.pollFirst();
            }
        } catch (IOException e) {
            disconnectLocked(e);
        }
    }

    /** Opens the connection (on the link thread: a connect may take the whole timeout) and queues the request head ({@link #encodeWaiting} queues what waited). */
    private void connect() {
        int port = base.getPort() == -1 ? 80 : base.getPort();
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open();
            ch.socket().setTcpNoDelay(true);
            ch.socket().connect(new InetSocketAddress(base.getHost(), port), (int) timeout.toMillis());
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_READ);
        } catch (IOException e) {
            closeQuietly(ch);
            synchronized (lock) {
                dropped.addAndGet(waiting.size());
                waiting.clear();
            }
            // Log the first failure of a streak only: a dead peer would otherwise flood the log.
            if (failuresInARow++ == 0) {
                LOG.log(System.Logger.Level.INFO, "cannot reach {0}: {1}", peer, e.toString());
            }
            return;
        }
        failuresInARow = 0;
        answer.clear();
        synchronized (lock) {
            if (closed) {
                closeQuietly(ch);
                return;
            }
            channel = ch;
            addToBacklog(ByteBuffer.wrap(requestHead(port).getBytes(StandardCharsets.US_ASCII)), 0);
        }
    }

    private String requestHead(int port) {
        StringBuilder head = new StringBuilder()
                .append("POST ").append(PeerTransport.STREAM_PATH).append(" HTTP/1.1\r\n")
                .append("Host: ").append(base.getHost()).append(':').append(port).append("\r\n")
                .append("Content-Type: application/octet-stream\r\n")
                .append("Transfer-Encoding: chunked\r\n")
                .append(PeerTransport.FROM_HEADER).append(": ").append(selfId).append("\r\n");
        if (!advertisedUrl.isEmpty()) {
            head.append(PeerTransport.FROM_URL_HEADER).append(": ").append(advertisedUrl).append("\r\n");
        }
        if (!clusterToken.isEmpty()) {
            head.append(PeerTransport.TOKEN_HEADER).append(": ").append(clusterToken).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    /** The caller's chunk, encoded under {@link #lock} into the link's scratch buffer. */
    private ByteBuffer chunk(List<Message> messages) {
        return encode(messages, frames);
    }

    /** The link thread's chunk (what waited, a snapshot perhaps), encoded into a buffer of its own. */
    private static ByteBuffer encode(List<Message> messages) {
        return encode(messages, new FrameBuffer());
    }

    /** A chunk of the stream: its size in hex, the frames (never none: an empty chunk ends a chunked body), CRLFs around them. */
    private static ByteBuffer encode(List<Message> messages, FrameBuffer frames) {
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("an empty chunk would end the stream");
        }
        frames.reset();
        DataOutputStream out = new DataOutputStream(frames);
        try {
            for (Message m : messages) {
                MessageCodec.writeFrame(m, out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        byte[] size = Integer.toHexString(frames.size()).getBytes(StandardCharsets.US_ASCII);
        ByteBuffer chunk = ByteBuffer.allocate(size.length + frames.size() + 2 * CRLF.length);
        chunk.put(size).put(CRLF).put(frames.written()).put(CRLF).flip();
        return chunk;
    }

    /** Frames as written, read in place: the chunk copies them once (the Raft loop encodes every message it sends). */
    private static final class FrameBuffer extends ByteArrayOutputStream {
        ByteBuffer written() {
            return ByteBuffer.wrap(buf, 0, count);
        }
    }

    /**
     * Reads the peer's answer: nothing follows a 200 until the peer closes the stream; anything else
     * is a refusal (wrong token, unknown sender), logged with its body once that has arrived. Either
     * way the end of the connection disconnects, so the next message reconnects. A refused stream is
     * closed from this side: the peer reads what this node sends until then.
     */
    private void readAnswer() throws IOException {
        SocketChannel ch;
        synchronized (lock) {
            ch = channel;
        }
        if (ch == null) {
            return;
        }
        int n;
        do {
            n = ch.read(answer);
        } while (n > 0 && answer.hasRemaining());
        String received = new String(answer.array(), 0, answer.position(), StandardCharsets.UTF_8);
        if (received.length() >= STATUS_LINE_START.length() && received.startsWith(STATUS_LINE_START + " 200")) {
            answer.position(STATUS_LINE_START.length() + 4); // accepted: only the end of the stream matters now
        } else if (received.length() >= STATUS_LINE_START.length() + 4
                && (n < 0 || !answer.hasRemaining() || wholeResponse(received))) {
            LOG.log(System.Logger.Level.WARNING, "{0} refused this node''s raft stream: {1}", peer, received.replaceAll("\\s+", " "));
            throw new IOException(peer + " refused the raft stream");
        }
        if (n < 0) {
            throw new IOException(peer + " closed the raft stream");
        }
    }

    /** Whether an HTTP answer's head and its whole body (by its Content-Length) are in. */
    static boolean wholeResponse(String received) {
        int headEnd = received.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            return false;
        }
        Matcher length = CONTENT_LENGTH.matcher(received.substring(0, headEnd));
        return !length.find() || received.length() - headEnd - 4 >= Integer.parseInt(length.group(1));
    }

    private void disconnect(IOException cause) {
        synchronized (lock) {
            disconnectLocked(cause);
        }
    }

    private void disconnectLocked(IOException cause) {
        if (channel == null) {
            return;
        }
        if (cause != null && !closed) {
            LOG.log(System.Logger.Level.DEBUG, "link to {0} closed: {1}", peer, cause.toString());
        }
        closeQuietly(channel);
        channel = null;
        for (Pending p : backlog) {
            dropped.addAndGet(p.messages());
        }
        backlog.clear();
        backlogBytes = 0;
        selector.wakeup(); // so the link thread's selector lets go of the closed socket now, not at its next wake-up
    }

    void close() {
        synchronized (lock) {
            closed = true;
            dropped.addAndGet(waiting.size());
            waiting.clear();
        }
        selector.wakeup();
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // nothing left to do with it
        }
    }
}
