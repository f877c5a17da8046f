package dev.dsync.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.dsync.raft.Message;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The peer stream end to end over loopback: {@link PeerTransport} on one side, {@link PeerStreamReceiver} in a JDK HttpServer on the other. */
class PeerStreamTest {
    private final BlockingQueue<Message> delivered = new LinkedBlockingQueue<>();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final MemberDirectory receiverDirectory = new MemberDirectory(Map.of());

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private HttpServer receiver(int port, String token) throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        http.createContext(PeerTransport.STREAM_PATH, new PeerStreamReceiver("b", receiverDirectory, token, delivered::add));
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.start();
        open.add(() -> http.stop(0));
        return http;
    }

    private PeerTransport sender(int port, String token) {
        PeerTransport t = new PeerTransport("a", Map.of("a", URI.create("http://127.0.0.1:1"), "b", URI.create("http://127.0.0.1:" + port)),
                token, Duration.ofMillis(500));
        open.add(t);
        return t;
    }

    private static Message.AppendResponse numbered(long n) {
        return new Message.AppendResponse("a", "b", 1, true, n, 0, 0);
    }

    @Test
    void manyMessagesArriveInOrderAndEveryTypeIntact() throws Exception {
        HttpServer http = receiver(0, "s3cret");
        PeerTransport t = sender(http.getAddress().getPort(), "s3cret");
        List<Message> kinds = MessageCodecTest.oneOfEach(new Random(3));
        for (int i = 0; i < 3000; i++) {
            t.send(numbered(i));
        }
        for (int i = 0; i < 3000; i++) {
            Message m = delivered.poll(10, TimeUnit.SECONDS);
            assertEquals(numbered(i), m, "message " + i);
        }
        for (Message m : kinds) {
            Message addressed = readdress(m);
            t.send(addressed);
            MessageCodecTest.assertSameMessage(addressed, delivered.poll(10, TimeUnit.SECONDS));
        }
        assertEquals(0, t.droppedMessages());
    }

    @Test
    void aReceiverThatRestartsIsReconnectedTo() throws Exception {
        HttpServer first = receiver(0, "");
        int port = first.getAddress().getPort();
        PeerTransport t = sender(port, "");
        t.send(numbered(1));
        assertEquals(numbered(1), delivered.poll(10, TimeUnit.SECONDS));
        first.stop(0);
        receiver(port, "");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Message got = null;
        for (long n = 2; got == null && System.nanoTime() < deadline; n++) {
            t.send(numbered(n)); // the first sends after the restart may be lost: Raft resends
            got = delivered.poll(100, TimeUnit.MILLISECONDS);
        }
        assertTrue(got != null, "nothing arrived after the receiver restarted");
    }

    @Test
    void aWrongTokenDeliversNothingAndTheReceiverSaysWhy() throws Exception {
        HttpServer http = receiver(0, "right");
        PeerTransport t = sender(http.getAddress().getPort(), "wrong");
        for (int i = 0; i < 20; i++) {
            t.send(numbered(i));
            Thread.sleep(10);
        }
        assertEquals(null, delivered.poll(500, TimeUnit.MILLISECONDS));
        HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + http.getAddress().getPort() + PeerTransport.STREAM_PATH))
                .header(PeerTransport.TOKEN_HEADER, "right").header(PeerTransport.FROM_HEADER, "a")
                .POST(HttpRequest.BodyPublishers.ofByteArray(MessageCodec.encode(numbered(1)))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, plain.statusCode(), "an unframed message: " + plain.body());
        assertTrue(plain.body().contains("\"error\""), plain.body());
        assertEquals(null, delivered.poll(200, TimeUnit.MILLISECONDS));
    }

    @Test
    void aFrameNotFromTheDeclaredSenderIsRefused() throws Exception {
        HttpServer http = receiver(0, "");
        java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
        MessageCodec.writeFrame(new Message.TimeoutNow("c", "b", 5), new java.io.DataOutputStream(frame));
        HttpResponse<String> spoofed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + http.getAddress().getPort() + PeerTransport.STREAM_PATH))
                .header(PeerTransport.FROM_HEADER, "a")
                .POST(HttpRequest.BodyPublishers.ofByteArray(frame.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, spoofed.statusCode());
        assertTrue(spoofed.body().contains("does not belong"), spoofed.body());
        assertEquals(null, delivered.poll(200, TimeUnit.MILLISECONDS));
    }

    @Test
    void aSenderOutsideTheConfigurationIsTakenAndItsDeclaredAddressLearned() throws Exception {
        HttpServer http = receiver(0, "");
        MemberDirectory senderView = MemberDirectory.fixed(Map.of("b", URI.create("http://127.0.0.1:" + http.getAddress().getPort())));
        PeerTransport stranger = new PeerTransport("a", senderView, "http://127.0.0.1:4444", "", Duration.ofMillis(500));
        open.add(stranger);
        assertEquals(null, receiverDirectory.address("a"));
        stranger.send(numbered(1));
        assertEquals(numbered(1), delivered.poll(10, TimeUnit.SECONDS));
        assertEquals(URI.create("http://127.0.0.1:4444"), receiverDirectory.address("a"), "the declared address was not learned");
    }

    @Test
    void aMessageToAnUnknownPeerIsDroppedAndCountedAndForgottenLinksClose() throws Exception {
        HttpServer http = receiver(0, "");
        MemberDirectory view = MemberDirectory.fixed(Map.of("b", URI.create("http://127.0.0.1:" + http.getAddress().getPort())));
        PeerTransport t = new PeerTransport("a", view, "http://127.0.0.1:4444", "", Duration.ofMillis(500));
        open.add(t);
        t.send(new Message.TimeoutNow("a", "z", 1));
        assertEquals(1, t.droppedMessages());
        assertEquals(1, t.unknownDestinations());
        t.send(numbered(1));
        assertEquals(numbered(1), delivered.poll(10, TimeUnit.SECONDS));
        assertEquals(Set.of("b"), t.linkedPeers());
        view.publish(Map.of("c", "http://127.0.0.1:1"));
        t.closeStaleLinks();
        assertEquals(Set.of(), t.linkedPeers(), "the link to a forgotten peer stayed open");
        t.send(numbered(2));
        assertEquals(2, t.unknownDestinations());
    }

    /**
     * The Raft loop writes to the link's socket itself, so the socket must never block it: a peer that
     * accepts the connection and then reads nothing (a hung process) fills the kernel's buffers within
     * a few megabytes; every later send must still return at once, and the stalled link must give up
     * (dropping what it held) rather than hold the loop until the peer reads.
     */
    @Test
    @org.junit.jupiter.api.Timeout(60) // a send that blocks would otherwise hang the build: a blocking socket never gives up
    void aPeerThatStopsReadingNeverBlocksTheSender() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            PeerTransport t = new PeerTransport("a", Map.of("a", URI.create("http://127.0.0.1:1"),
                    "b", URI.create("http://127.0.0.1:" + silent.getLocalPort())), "", Duration.ofSeconds(3));
            open.add(t);
            List<dev.dsync.raft.Entry> entries = new ArrayList<>();
            for (int i = 1; i <= 16; i++) {
                entries.add(new dev.dsync.raft.Entry(1, i, dev.dsync.raft.Entry.Kind.DATA, new byte[4096]));
            }
            Message append = new Message.AppendRequest("a", "b", 1, 0, 0, entries, 0, 0);
            t.send(numbered(0));
            Thread.sleep(200); // connected
            long slowestNanos = 0;
            for (int i = 0; i < 2000; i++) { // 128 MiB, far past any socket buffer and the link's backlog limit
                long started = System.nanoTime();
                t.send(append);
                slowestNanos = Math.max(slowestNanos, System.nanoTime() - started);
            }
            assertTrue(slowestNanos < TimeUnit.MILLISECONDS.toNanos(1000),
                    "a send waited " + slowestNanos / 1_000_000 + " ms for a peer that does not read (the stall limit is 3 s)");
            assertTrue(t.droppedMessages() > 0, "nothing dropped although the backlog limit was passed");
            long droppedBefore = t.droppedMessages();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (t.droppedMessages() == droppedBefore && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(t.droppedMessages() > droppedBefore, "the stalled link never gave up its backlog");
        }
    }

    /** The same message from a to b, whatever its original direction. */
    private static Message readdress(Message m) {
        return switch (m) {
            case Message.VoteRequest v -> new Message.VoteRequest("a", "b", v.term(), v.lastLogIndex(), v.lastLogTerm(), v.preVote(), v.leadershipTransfer());
            case Message.VoteResponse v -> new Message.VoteResponse("a", "b", v.term(), v.granted(), v.preVote());
            case Message.AppendRequest x -> new Message.AppendRequest("a", "b", x.term(), x.prevLogIndex(), x.prevLogTerm(), x.entries(), x.leaderCommit(), x.readContext());
            case Message.AppendResponse x -> new Message.AppendResponse("a", "b", x.term(), x.success(), x.matchIndex(), x.rejectHint(), x.readContext());
            case Message.SnapshotRequest s -> new Message.SnapshotRequest("a", "b", s.term(), s.snapshot());
            case Message.SnapshotResponse s -> new Message.SnapshotResponse("a", "b", s.term(), s.matchIndex());
            case Message.TimeoutNow x -> new Message.TimeoutNow("a", "b", x.term());
        };
    }
}
