package dev.dsync.chaos.toxiproxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import eu.rekawek.toxiproxy.model.toxic.Latency;
import eu.rekawek.toxiproxy.model.toxic.Timeout;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Toxic behaviour end to end: toxiproxy-java configures the embedded server, plain sockets go
 * through a proxy to a {@link TestUpstream} on 127.0.0.1. Timing bounds are deliberately loose
 * (functional tests on a shared, busy machine): lower bounds as configured, upper bounds generous.
 */
class EmbeddedToxiproxyToxicsTest {
  private static final int READ_TIMEOUT_MILLIS = 5_000;

  private EmbeddedToxiproxy toxiproxy;
  private ToxiproxyClient client;
  private TestUpstream upstream;

  @BeforeEach
  void start() throws IOException {
    toxiproxy = EmbeddedToxiproxy.start(0);
    client = toxiproxy.client();
  }

  @AfterEach
  void stop() throws IOException {
    toxiproxy.close();
    if (upstream != null) {
      upstream.close();
    }
  }

  private Proxy echoProxy() throws IOException {
    upstream = TestUpstream.echo();
    return client.createProxy("echo", "127.0.0.1:0", upstream.address());
  }

  private Proxy greetingProxy(byte[] greeting) throws IOException {
    upstream = TestUpstream.withGreeting(greeting);
    return client.createProxy("greeting", "127.0.0.1:0", upstream.address());
  }

  private static byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    new Random(42).nextBytes(bytes);
    return bytes;
  }

  @Test
  void latencyDelaysEveryChunkAndAppliesToLiveConnections() throws IOException {
    Proxy proxy = echoProxy();
    try (ProxyClientSocket socket = new ProxyClientSocket(proxy.getListen(), READ_TIMEOUT_MILLIS)) {
      assertTrue(socket.echoMillis("warm") < 1_000);
      // Added while the connection is open, as the bench does with keep-alive HTTP connections.
      Latency latency = proxy.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 300);
      long delayed = socket.echoMillis("ping");
      assertTrue(delayed >= 290 && delayed < 3_000, "echo took " + delayed + " ms");
      latency.setLatency(600).setJitter(50);
      long longer = socket.echoMillis("pong");
      assertTrue(longer >= 540 && longer < 4_000, "echo took " + longer + " ms");
      latency.remove();
      assertTrue(socket.echoMillis("fast") < 250, "latency gone with the toxic");
    }
  }

  /**
   * The nemesis's isolate-leader shape raises a link's latency step by step to 1.2 s under a steady
   * stream, 50 ms every 85 ms: every byte must come out about the latency of its time after it went
   * in, with no long gap. (Raised as fast as time passes, the held chunk leaves at each update and
   * the rest wait for a moment that keeps receding, so the stream went quiet when the raising stopped.)
   */
  @Test
  void rampedLatencyDelaysASteadyStreamWithoutGaps() throws Exception {
    Proxy proxy = echoProxy();
    int messages = 300;
    long[] sentAt = new long[messages];
    long[] arrivedAt = new long[messages];
    try (ProxyClientSocket socket = new ProxyClientSocket(proxy.getListen(), READ_TIMEOUT_MILLIS)) {
      Latency latency = proxy.toxics().latency("ramp", ToxicDirection.UPSTREAM, 50);
      Thread sender = Thread.ofPlatform().start(() -> {
        try {
          for (int i = 0; i < messages; i++) {
            sentAt[i] = System.nanoTime();
            socket.send(new byte[] {(byte) i});
            Thread.sleep(10);
          }
        } catch (IOException | InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      for (int lag = 100; lag <= 1_200; lag += 50) {
        Thread.sleep(85);
        latency.setLatency(lag);
      }
      for (int i = 0; i < messages; i++) {
        assertEquals((byte) i, socket.readExactly(1)[0]);
        arrivedAt[i] = System.nanoTime();
      }
      sender.join();
    }
    long last = messages - 1;
    long lastDelayMs = (arrivedAt[messages - 1] - sentAt[messages - 1]) / 1_000_000;
    assertTrue(lastDelayMs >= 1_150 && lastDelayMs < 1_700, "the last byte took " + lastDelayMs + " ms, latency 1,200: " + last);
    long widestGapMs = 0;
    for (int i = 1; i < messages; i++) {
      widestGapMs = Math.max(widestGapMs, (arrivedAt[i] - arrivedAt[i - 1]) / 1_000_000);
    }
    System.out.println("ramped latency: last byte " + lastDelayMs + " ms, widest gap " + widestGapMs + " ms");
    assertTrue(widestGapMs < 200, "the stream stalled for " + widestGapMs + " ms");
  }

  @Test
  void jitterNeverReordersBytes() throws Exception {
    Proxy proxy = echoProxy();
    proxy.toxics().latency("jittery", ToxicDirection.DOWNSTREAM, 30).setJitter(30);
    try (ProxyClientSocket socket = new ProxyClientSocket(proxy.getListen(), READ_TIMEOUT_MILLIS)) {
      StringBuilder sent = new StringBuilder();
      for (int i = 0; i < 40; i++) {
        String message = "<" + i + ">";
        socket.send(message);
        sent.append(message);
        Thread.sleep(2); // separate chunks, each with its own jittered delay
      }
      assertEquals(sent.toString(), socket.readText(sent.length()));
    }
  }

  @Test
  void upstreamToxicLeavesDownstreamAlone() throws IOException {
    Proxy proxy = greetingProxy("hello".getBytes());
    proxy.toxics().latency("slow-up", ToxicDirection.UPSTREAM, 500);
    try (ProxyClientSocket socket = new ProxyClientSocket(proxy.getListen(), READ_TIMEOUT_MILLIS)) {
      long start = System.nanoTime();
      assertEquals("hello", socket.readText(5));
      long greetingMillis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(greetingMillis < 400, "greeting took " + greetingMillis + " ms");
      long echo = socket.echoMillis("ping");
      assertTrue(echo >= 490, "the request still crosses the upstream latency: " + echo + " ms");
    }
  }

  @Test
  void timeoutZeroBlackholesUntilRemovedThenTheConnectionCloses() throws IOException {
    Proxy proxy = echoProxy();
    try (ProxyClientSocket socket = new ProxyClientSocket(proxy.getListen(), 400)) {
      socket.echoMillis("warm");
      Timeout blackhole = proxy.toxics().timeout("blackhole", ToxicDirection.UPSTREAM, 0);
      socket.send("lost");
      assertThrows(SocketTimeoutException.class, () -> socket.readExactly(4));
      try (ProxyClientSocket fresh = new ProxyClientSocket(proxy.getListen(), 400)) {
        fresh.send("also lost");
        assertThrows(SocketTimeoutException.class, () -> fresh.readExactly(1));
      }
      blackhole.remove();
      // Bytes were dropped, so Toxiproxy closes the connections the toxic was cutting...
      socket.socket.setSoTimeout(READ_TIMEOUT_MILLIS);
      assertEquals(0, socket.readToEnd());
    }
    // ...and new connections flow again.
    try (ProxyClientSocket fresh = new ProxyClientSocket(proxy.getListen(), READ_TIMEOUT_MILLIS)) {
      assertTrue(fresh.echoMillis("back") < 1_000);
    }
  }

  @Test
  void timeoutClosesTheConnectionAfterItsDelay() throws IOException {
    Proxy proxy = echoProxy();
    proxy.toxics().timeout("cut", ToxicDirection.DOWNSTREAM, 300);
    try (ProxyClientSocket socket = new ProxyClientSocket(proxy.getListen(), READ_TIMEOUT_MILLIS)) {
      long start = System.nanoTime();
      socket.send("dropped");
      assertEquals(0, socket.readToEnd(), "no data, then EOF");
      long closedAfter = (System.nanoTime() - start) / 1_000_000;
      assertTrue(closedAfter >= 250 && closedAfter < 3_000, "closed after " + closedAfter + " ms");
    }
  }

  @Test
  void disabledProxyRefusesConnectionsAndDropsOpenOnes() throws IOException {
    Proxy proxy = echoProxy();
    String listen = proxy.getListen();
    try (ProxyClientSocket open = new ProxyClientSocket(listen, READ_TIMEOUT_MILLIS)) {
      open.echoMillis("warm");
      proxy.disable();
      assertEquals(0, open.readToEnd(), "open connection closed");
    } catch (SocketException reset) {
      // Closing a socket with unread data may surface as a reset; either way it is gone.
    }
    assertThrows(ConnectException.class, () -> new ProxyClientSocket(listen, 1_000));
    proxy.enable();
    try (ProxyClientSocket again = new ProxyClientSocket(listen, READ_TIMEOUT_MILLIS)) {
      assertTrue(again.echoMillis("again") < 1_000);
    }
  }

  @Test
  void resetPeerSendsRst() throws IOException {
    Proxy proxy = echoProxy();
    proxy.toxics().resetPeer("rst", ToxicDirection.UPSTREAM, 100);
    try (ProxyClientSocket socket = new ProxyClientSocket(proxy.getListen(), READ_TIMEOUT_MILLIS)) {
      socket.send("trigger");
      SocketException reset = assertThrows(SocketException.class, () -> socket.readExactly(1));
      assertTrue(reset.getMessage().toLowerCase().contains("reset"), reset.getMessage());
    }
  }

  @Test
  void limitDataClosesAfterTheGivenBytes() throws IOException {
    Proxy proxy = greetingProxy(randomBytes(10_000));
    proxy.toxics().limitData("limit", ToxicDirection.DOWNSTREAM, 1_234);
    try (ProxyClientSocket socket = new ProxyClientSocket(proxy.getListen(), READ_TIMEOUT_MILLIS)) {
      assertEquals(1_234, socket.readToEnd());
    }
  }

  @Test
  void slicerDeliversEveryByteInOrder() throws IOException {
    byte[] payload = randomBytes(20_000);
    Proxy proxy = greetingProxy(payload);
    proxy.toxics().slicer("slices", ToxicDirection.DOWNSTREAM, 100, 10).setSizeVariation(50);
    try (ProxyClientSocket socket = new ProxyClientSocket(proxy.getListen(), READ_TIMEOUT_MILLIS)) {
      assertArrayEquals(payload, socket.readExactly(payload.length));
    }
  }

  @Test
  void bandwidthLimitsThroughput() throws IOException {
    byte[] payload = randomBytes(40_000);
    Proxy proxy = greetingProxy(payload);
    proxy.toxics().bandwidth("narrow", ToxicDirection.DOWNSTREAM, 100); // 100 KB/s
    try (ProxyClientSocket socket = new ProxyClientSocket(proxy.getListen(), READ_TIMEOUT_MILLIS)) {
      long start = System.nanoTime();
      assertArrayEquals(payload, socket.readExactly(payload.length));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis >= 350 && millis < 4_000, "40 KB at 100 KB/s took " + millis + " ms");
    }
  }

  @Test
  void slowCloseDelaysTheClose() throws IOException {
    Proxy proxy = greetingProxy("bye".getBytes());
    proxy.toxics().slowClose("lingering", ToxicDirection.UPSTREAM, 400);
    try (ProxyClientSocket socket = new ProxyClientSocket(proxy.getListen(), READ_TIMEOUT_MILLIS)) {
      assertEquals("bye", socket.readText(3));
      long start = System.nanoTime();
      socket.socket.shutdownOutput(); // client EOF travels upstream through slow_close
      assertEquals(0, socket.readToEnd());
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis >= 350 && millis < 3_000, "closed after " + millis + " ms");
    }
  }

  @Test
  void zeroToxicityNeverApplies() throws IOException {
    Proxy proxy = echoProxy();
    proxy.toxics().timeout("never", ToxicDirection.DOWNSTREAM, 0).setToxicity(0f);
    try (ProxyClientSocket socket = new ProxyClientSocket(proxy.getListen(), READ_TIMEOUT_MILLIS)) {
      assertTrue(socket.echoMillis("through") < 1_000);
    }
  }

  @Test
  void bandwidthAppliesToALiveConnection() throws IOException {
    Proxy proxy = echoProxy();
    try (ProxyClientSocket socket = new ProxyClientSocket(proxy.getListen(), READ_TIMEOUT_MILLIS)) {
      socket.echoMillis("warm");
      proxy.toxics().bandwidth("narrow", ToxicDirection.UPSTREAM, 50); // 50 KB/s
      byte[] payload = randomBytes(20_000);
      long start = System.nanoTime();
      socket.send(payload);
      assertArrayEquals(payload, socket.readExactly(payload.length));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis >= 350 && millis < 4_000, "20 KB at 50 KB/s took " + millis + " ms");
    }
  }

  @Test
  void movingTheUpstreamRedirectsNewConnections() throws IOException {
    Proxy proxy = greetingProxy("one".getBytes());
    try (TestUpstream second = TestUpstream.withGreeting("two".getBytes())) {
      proxy.setUpstream(second.address());
      try (ProxyClientSocket socket =
          new ProxyClientSocket(proxy.getListen(), READ_TIMEOUT_MILLIS)) {
        assertEquals("two", socket.readText(3));
      }
    }
  }

  @Test
  void resetRestoresFlowOnNewConnections() throws IOException {
    Proxy proxy = echoProxy();
    proxy.toxics().timeout("blackhole", ToxicDirection.DOWNSTREAM, 0);
    proxy.disable();
    client.reset();
    try (ProxyClientSocket socket = new ProxyClientSocket(proxy.getListen(), READ_TIMEOUT_MILLIS)) {
      assertTrue(socket.echoMillis("clean") < 1_000);
    }
  }
}
