package dev.dsync.chaos.toxiproxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One accepted client and its upstream socket, joined by two {@link ToxicLink}s: upstream (client
 * to server) and downstream (server to client). Four virtual threads: a reader per socket feeding
 * a bounded {@link LinkInbox}, and a link per direction draining it through the toxics.
 */
final class ProxyConnection {
  /** Read size per chunk and chunks buffered per direction: at most 1 MiB queued per direction. */
  private static final int READ_BUFFER_BYTES = 16 * 1024;

  private static final int INBOX_CHUNKS = 64;

  private final ToxicProxy proxy;
  private final Socket client;
  private final Socket upstream;
  private final LinkInbox upstreamInbox = new LinkInbox(INBOX_CHUNKS);
  private final LinkInbox downstreamInbox = new LinkInbox(INBOX_CHUNKS);
  private final AtomicInteger runningLinks = new AtomicInteger(2);

  ProxyConnection(ToxicProxy proxy, Socket client, Socket upstream) {
    this.proxy = proxy;
    this.client = client;
    this.upstream = upstream;
  }

  void start(ToxicCollection toxics) {
    try {
      ToxicLink up =
          new ToxicLink(
              this, StreamDirection.UPSTREAM, toxics, upstreamInbox, upstream.getOutputStream());
      ToxicLink down =
          new ToxicLink(
              this, StreamDirection.DOWNSTREAM, toxics, downstreamInbox, client.getOutputStream());
      InputStream fromClient = client.getInputStream();
      InputStream fromUpstream = upstream.getInputStream();
      String label = "toxiproxy-" + proxy.name() + "-" + client.getPort();
      Thread.ofVirtual().name(label + "-read-up").start(() -> readSource(fromClient, upstreamInbox));
      Thread.ofVirtual()
          .name(label + "-read-down")
          .start(() -> readSource(fromUpstream, downstreamInbox));
      Thread.ofVirtual().name(label + "-link-up").start(up);
      Thread.ofVirtual().name(label + "-link-down").start(down);
    } catch (IOException e) {
      abort();
      proxy.forget(this);
    }
  }

  /** Copies a socket's bytes into an inbox until EOF, a socket error, or the link giving up. */
  private static void readSource(InputStream source, LinkInbox inbox) {
    byte[] buffer = new byte[READ_BUFFER_BYTES];
    try {
      int read;
      while ((read = source.read(buffer)) >= 0) {
        if (read > 0 && !inbox.put(new Chunk(Arrays.copyOf(buffer, read), System.nanoTime()))) {
          return;
        }
      }
    } catch (IOException | InterruptedException e) {
      // A reset or closed socket ends the stream just like EOF does (Toxiproxy treats it so too).
    } finally {
      inbox.endOfStream();
    }
  }

  /** The toxic chain changed: make both links re-read it now. */
  void toxicsChanged() {
    upstreamInbox.wakeUp();
    downstreamInbox.wakeUp();
  }

  /**
   * Closes the socket a direction writes to. With {@code reset}, both sockets first get SO_LINGER 0
   * so closing them sends RST instead of FIN.
   */
  void closeDestination(StreamDirection direction, boolean reset) {
    if (reset) {
      lingerZero(client);
      lingerZero(upstream);
    }
    closeQuietly(direction == StreamDirection.UPSTREAM ? upstream : client);
  }

  /** Tears the connection down at once, without toxics (proxy disabled, moved or deleted). */
  void abort() {
    upstreamInbox.close();
    downstreamInbox.close();
    closeQuietly(client);
    closeQuietly(upstream);
  }

  /** Called by each link as it exits; the last one releases everything. */
  void linkDone() {
    if (runningLinks.decrementAndGet() == 0) {
      abort();
      proxy.forget(this);
    }
  }

  private static void lingerZero(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException e) {
      // Already closed: nothing left to reset.
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing is best effort.
    }
  }
}
