package dev.dsync.transport;

import dev.dsync.raft.Message;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stream of Raft messages from this node to one peer: {@code POST /raft/stream} with a chunked
 * body that never ends, each chunk a batch of frames (everything queued when the sender wakes up),
 * over one persistent TCP connection. Through the chaos bench's proxies each directed link is its
 * own connection, so cutting A->B silences exactly A's messages to B. The peer's answer is only read
 * for its status (a 401 or 400 is logged) and for the end of the connection, which makes the next
 * batch reconnect.
 */
final class PeerLink {
    private static final System.Logger LOG = System.getLogger(PeerLink.class.getName());
    private static final int QUEUE_CAPACITY = 4096;
    private static final int MAX_BATCH = 512;
    private static final byte[] CRLF = {'\r', '\n'};

    private final String selfId;
    private final String advertisedUrl;
    private final String peer;
    private final URI base;
    private final String clusterToken;
    private final Duration timeout;
    private final AtomicLong dropped;
    private final BlockingQueue<Message> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private static final int CHUNK_BUFFER_BYTES = 64 * 1024;
    /** The batch being encoded; replaced after a batch that grew it far (a snapshot), so a link does not keep that memory. */
    private ByteArrayOutputStream chunk = new ByteArrayOutputStream(CHUNK_BUFFER_BYTES);
    private volatile Socket socket;
    private OutputStream out;
    /** When the write in progress started (0: none), and how long it may take; read by the watchdog. */
    private volatile long writeStartedNanos;
    private volatile long writeLimitNanos;
    private volatile boolean closed;
    private long failuresInARow;
    private Thread sender;

    PeerLink(String selfId, String advertisedUrl, String peer, URI base, String clusterToken, Duration timeout, AtomicLong dropped) {
        this.selfId = selfId;
        this.advertisedUrl = advertisedUrl;
        this.peer = peer;
        this.base = base;
        this.clusterToken = clusterToken;
        this.timeout = timeout;
        this.dropped = dropped;
    }

    URI base() {
        return base;
    }

    void start() {
        sender = Thread.ofPlatform().daemon().name("send-" + peer).start(this::run);
    }

    void offer(Message m) {
        if (!queue.offer(m)) {
            dropped.incrementAndGet();
        }
    }

    private void run() {
        List<Message> batch = new ArrayList<>();
        while (!closed) {
            Message first;
            try {
                first = queue.take();
            } catch (InterruptedException e) {
                break; // close()
            }
            batch.clear();
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            try {
                write(batch);
                failuresInARow = 0;
            } catch (IOException e) {
                dropped.addAndGet(batch.size());
                disconnect();
                // Log the first failure of a streak only: a dead peer would otherwise flood the log.
                if (failuresInARow++ == 0 && !closed) {
                    LOG.log(System.Logger.Level.INFO, "cannot reach {0}: {1}", peer, e.toString());
                }
            }
        }
        disconnect();
    }

    private void write(List<Message> batch) throws IOException {
        if (chunk.size() > 16 * CHUNK_BUFFER_BYTES) {
            chunk = new ByteArrayOutputStream(CHUNK_BUFFER_BYTES);
        }
        chunk.reset();
        DataOutputStream frames = new DataOutputStream(chunk);
        boolean snapshot = false;
        for (Message m : batch) {
            MessageCodec.writeFrame(m, frames);
            snapshot |= m instanceof Message.SnapshotRequest;
        }
        writeLimitNanos = (snapshot ? PeerTransport.SNAPSHOT_TIMEOUT : timeout).toNanos();
        writeStartedNanos = System.nanoTime();
        try {
            if (socket == null || socket.isClosed()) { // closed by the peer (see readAnswer) or the watchdog
                disconnect();
                connect();
            }
            out.write(Integer.toHexString(chunk.size()).getBytes(StandardCharsets.US_ASCII));
            out.write(CRLF);
            chunk.writeTo(out);
            out.write(CRLF);
            out.flush();
        } finally {
            writeStartedNanos = 0;
        }
    }

    /** Opens the connection and sends the request head; the first chunk follows in the same flush. */
    private void connect() throws IOException {
        int port = base.getPort() == -1 ? 80 : base.getPort();
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(base.getHost(), port), (int) timeout.toMillis());
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
            head.append("\r\n");
            out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        Thread.ofPlatform().daemon().name("answer-" + peer).start(() -> readAnswer(s));
    }

    /**
     * Reads the peer's answer: nothing follows a 200 until the peer closes the stream; anything
     * else is a refusal (wrong token, unknown sender), logged with its body. Either way the
     * connection is closed at the end, so the next batch reconnects.
     */
    private void readAnswer(Socket s) {
        try (InputStream in = s.getInputStream()) {
            byte[] head = in.readNBytes(12); // "HTTP/1.1 200"
            String status = new String(head, StandardCharsets.US_ASCII);
            if (status.length() == 12 && !status.endsWith(" 200")) {
                String rest = new String(in.readNBytes(2048), StandardCharsets.UTF_8);
                LOG.log(System.Logger.Level.WARNING, "{0} refused this node''s raft stream: {1}", peer,
                        (status + rest).replaceAll("\\s+", " "));
            } else {
                in.transferTo(OutputStream.nullOutputStream());
            }
        } catch (IOException e) {
            // the connection broke or this node closed it: either way it is over
        } finally {
            closeQuietly(s);
        }
    }

    /** Called by the watchdog: a write that has taken longer than its limit means the peer stopped reading. */
    void closeIfStuck(long nowNanos) {
        long started = writeStartedNanos;
        Socket s = socket;
        if (started != 0 && s != null && nowNanos - started > writeLimitNanos) {
            closeQuietly(s);
        }
    }

    private void disconnect() {
        Socket s = socket;
        socket = null;
        out = null;
        if (s != null) {
            closeQuietly(s);
        }
    }

    void close() {
        closed = true;
        if (sender != null) {
            sender.interrupt();
        }
        Socket s = socket;
        if (s != null) {
            closeQuietly(s);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing left to do with it
        }
    }
}
