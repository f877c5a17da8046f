package dev.dsync.chaos.toxiproxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One named proxy: a listening socket that forwards each accepted connection to {@code upstream}
 * through the proxy's toxics. Disabling closes the listener and every connection; enabling listens
 * again on the same address (once "port 0" was resolved, the real port is kept, as in Toxiproxy).
 * Toxics survive disable/enable.
 */
final class ToxicProxy {
  /** How long to wait for the upstream TCP handshake before dropping the client. */
  private static final int UPSTREAM_CONNECT_TIMEOUT_MILLIS = 10_000;

  private final String name;
  private final ToxicCollection toxics = new ToxicCollection();
  private final Set<ProxyConnection> connections = ConcurrentHashMap.newKeySet();
  private String listen;
  private String upstream;
  private boolean enabled;
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

  /** Starts listening; a no-op when already enabled. 500 when the address cannot be bound. */
  synchronized void start() {
    if (enabled) {
      return;
    }
    ServerSocket socket = null;
    try {
      socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(HostPort.parse("listen", listen).resolve(), 128);
    } catch (IOException e) {
      closeQuietly(socket);
      throw new ApiException(500, "listen tcp " + listen + ": " + e.getMessage());
    }
    listener = socket;
    listen = HostPort.format((InetSocketAddress) socket.getLocalSocketAddress());
    enabled = true;
    ServerSocket acceptedBy = socket;
    acceptor =
        Thread.ofVirtual().name("toxiproxy-" + name + "-accept").start(() -> acceptLoop(acceptedBy));
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
