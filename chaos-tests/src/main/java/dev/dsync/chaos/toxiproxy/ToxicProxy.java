package dev.dsync.chaos.toxiproxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One named proxy: a listening socket that forwards each accepted connection to {@code upstream}
 * through the proxy's toxics. Disabling closes the listener and every connection; enabling listens
 * again on the same address (once "port 0" was resolved, the real port is kept, as in Toxiproxy).
 * Toxics survive disable/enable.
 */
final class ToxicProxy {
  /** How long to wait for the upstream TCP handshake before dropping the client. */
  private static final int UPSTREAM_CONNECT_TIMEOUT_MILLIS = 10_000;
  /** How long enabling again waits for the port this proxy listened on to be free. */
  static final long REBIND_WAIT_MILLIS = 10_000;

  private final String name;
  private final ToxicCollection toxics = new ToxicCollection();
  private final Set<ProxyConnection> connections = ConcurrentHashMap.newKeySet();
  private String listen;
  private String upstream;
  private boolean enabled;
  /** Whether {@link #listen} names a port this proxy has bound (and may find still held at a rebind). */
  private boolean hasListened;
  private ServerSocket listener;
  private Thread acceptor;

  /** Validates both addresses (400 on a malformed one); does not listen yet. */
  ToxicProxy(String name, String listen, String upstream) {
    this.name = name;
    this.listen = listen == null || listen.isBlank() ? "127.0.0.1:0" : listen;
    this.upstream = upstream;
    HostPort.parse("listen", this.listen);
    HostPort.parse("upstream", upstream);
  }

  String name() {
    return name;
  }

  synchronized String listen() {
    return listen;
  }

  synchronized String upstream() {
    return upstream;
  }

  synchronized boolean enabled() {
    return enabled;
  }

  List<ToxicSpec> toxics() {
    return toxics.all();
  }

  /**
   * Starts listening; a no-op when already enabled. 500 when the address cannot be bound: at once
   * for a first bind, after {@link #REBIND_WAIT_MILLIS} of retries for a port this proxy listened on
   * before (a heal disables and enables; the kernel may not have let go of the old listener yet).
   */
  synchronized void start() {
    if (enabled) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(hasListened ? REBIND_WAIT_MILLIS : 0);
    ServerSocket socket;
    while (true) {
      try {
        socket = bind();
        break;
      } catch (IOException e) {
        if (System.nanoTime() >= deadline) {
          throw new ApiException(500, "listen tcp " + listen + ": " + e.getMessage());
        }
      }
      try {
        wait(20); // releases this proxy's lock: a dial in flight can see the proxy is disabled
        if (enabled) {
          return; // started meanwhile by another call
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ApiException(500, "listen tcp " + listen + ": interrupted");
      }
    }
    listener = socket;
    listen = HostPort.format((InetSocketAddress) socket.getLocalSocketAddress());
    enabled = true;
    hasListened = true;
    ServerSocket acceptedBy = socket;
    // A platform thread: closing a socket that a virtual thread is blocked on in accept() is
    // deferred until that thread runs again, which on a loaded machine kept the port bound.
    acceptor = Thread.ofPlatform().daemon().name("toxiproxy-" + name + "-accept").start(() -> acceptLoop(acceptedBy));
  }

  private ServerSocket bind() throws IOException {
    ServerSocket socket = new ServerSocket();
    try {
      socket.setReuseAddress(true);
      socket.bind(HostPort.parse("listen", listen).resolve(), 128);
      return socket;
    } catch (IOException | RuntimeException e) {
      closeQuietly(socket);
      throw e;
    }
  }

  /** Stops listening and drops every connection; a no-op when already disabled. */
  synchronized void stop() {
    if (!enabled) {
      return;
    }
    enabled = false;
    closeQuietly(listener);
    listener = null;
    // The JDK defers the real close of a socket until a thread blocked in accept() has left it;
    // wait for that so enabling again can bind the same port straight away.
    try {
      acceptor.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    acceptor = null;
    for (ProxyConnection connection : connections) {
      connection.abort();
    }
    connections.clear();
  }

  /**
   * Applies a POST /proxies/{name} body. A new listen or upstream address restarts the proxy (its
   * connections are dropped), as Toxiproxy does.
   */
  synchronized void update(String newListen, String newUpstream, boolean newEnabled) {
    HostPort.parse("listen", newListen);
    HostPort.parse("upstream", newUpstream);
    if (!newListen.equals(listen) || !newUpstream.equals(upstream)) {
      stop();
      hasListened &= newListen.equals(listen);
      listen = newListen;
      upstream = newUpstream;
    }
    if (newEnabled) {
      start();
    } else {
      stop();
    }
  }

  ToxicSpec addToxic(
      String toxicName,
      ToxicType type,
      StreamDirection stream,
      float toxicity,
      Map<String, Long> attributes) {
    ToxicSpec spec = toxics.add(toxicName, type, stream, toxicity, attributes);
    notifyConnections();
    return spec;
  }

  ToxicSpec updateToxic(String toxicName, Float toxicity, Map<String, Long> attributes) {
    ToxicSpec spec = toxics.update(toxicName, toxicity, attributes);
    notifyConnections();
    return spec;
  }

  ToxicSpec findToxic(String toxicName) {
    ToxicSpec spec = toxics.find(toxicName);
    if (spec == null) {
      throw ApiException.toxicNotFound();
    }
    return spec;
  }

  void removeToxic(String toxicName) {
    toxics.remove(toxicName);
    notifyConnections();
  }

  void removeAllToxics() {
    toxics.clear();
    notifyConnections();
  }

  void forget(ProxyConnection connection) {
    connections.remove(connection);
  }

  private void notifyConnections() {
    for (ProxyConnection connection : connections) {
      connection.toxicsChanged();
    }
  }

  private void acceptLoop(ServerSocket socket) {
    while (true) {
      Socket client;
      try {
        client = socket.accept();
      } catch (IOException e) {
        return; // listener closed by stop()
      }
      Thread.ofVirtual().name("toxiproxy-" + name + "-dial").start(() -> connect(socket, client));
    }
  }

  /** Dials upstream for an accepted client; on failure the client is simply closed. */
  private void connect(ServerSocket acceptedBy, Socket client) {
    Socket server = new Socket();
    String target;
    synchronized (this) {
      target = upstream;
    }
    try {
      // Go, and so Toxiproxy, disables Nagle on every TCP socket; small writes must not linger.
      client.setTcpNoDelay(true);
      server.setTcpNoDelay(true);
      server.connect(HostPort.parse("upstream", target).resolve(), UPSTREAM_CONNECT_TIMEOUT_MILLIS);
    } catch (IOException | ApiException e) {
      closeQuietly(client);
      closeQuietly(server);
      return;
    }
    ProxyConnection connection = new ProxyConnection(this, client, server);
    synchronized (this) {
      if (listener != acceptedBy) {
        // Disabled or moved while dialling: the connection belongs to a listener that is gone.
        connection.abort();
        return;
      }
      connections.add(connection);
    }
    connection.start(toxics);
  }

  private static void closeQuietly(java.io.Closeable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (IOException e) {
      // Closing is best effort.
    }
  }
}
