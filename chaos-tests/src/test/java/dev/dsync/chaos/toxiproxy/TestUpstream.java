package dev.dsync.chaos.toxiproxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tiny TCP server on 127.0.0.1 standing in for a real service behind a proxy: it sends
 * {@code greeting} as soon as a client connects, then echoes whatever it receives.
 */
final class TestUpstream implements AutoCloseable {
  private final ServerSocket server;
  private final byte[] greeting;
  private final Set<Socket> clients = ConcurrentHashMap.newKeySet();

  private TestUpstream(ServerSocket server, byte[] greeting) {
    this.server = server;
    this.greeting = greeting;
  }

  static TestUpstream echo() throws IOException {
    return withGreeting(new byte[0]);
  }

  static TestUpstream withGreeting(byte[] greeting) throws IOException {
    TestUpstream upstream =
        new TestUpstream(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), greeting);
    Thread.ofVirtual().start(upstream::acceptLoop);
    return upstream;
  }

  String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  private void acceptLoop() {
    while (true) {
      try {
        Socket client = server.accept();
        clients.add(client);
        Thread.ofVirtual().start(() -> serve(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      client.setTcpNoDelay(true);
      OutputStream out = client.getOutputStream();
      out.write(greeting);
      InputStream in = client.getInputStream();
      byte[] buffer = new byte[8192];
      int read;
      while ((read = in.read(buffer)) >= 0) {
        out.write(buffer, 0, read);
      }
    } catch (IOException e) {
      // Client went away.
    } finally {
      clients.remove(client);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket client : clients) {
      client.close();
    }
  }
}
