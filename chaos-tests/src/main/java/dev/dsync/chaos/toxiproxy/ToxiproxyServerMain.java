package dev.dsync.chaos.toxiproxy;

import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded Toxiproxy-compatible server as a process of its own: the entry point of the
 * {@code dsync-toxiproxy} image, which stands in for the official Toxiproxy image where no image
 * registry is reachable. Takes the official server's flags: {@code -host 0.0.0.0 -port 8474}.
 * Runs until the process is stopped.
 */
public final class ToxiproxyServerMain {
  private ToxiproxyServerMain() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    // Upstreams are container names: a container that is killed and started again may come back with
    // another's old address (power/all restarts three at once). The JVM's 30 s name cache then sent
    // one node's link to another node, whose checks refused it, and the cluster never recovered.
    java.security.Security.setProperty("networkaddress.cache.ttl", "0");
    java.security.Security.setProperty("networkaddress.cache.negative.ttl", "0");
    String host = "127.0.0.1";
    int port = 8474;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i].replaceFirst("^--?", "")) {
        case "host" -> host = args[i + 1];
        case "port" -> port = Integer.parseInt(args[i + 1]);
        default -> {
          System.err.println("usage: toxiproxy-server [-host ADDRESS] [-port PORT]");
          System.exit(2);
        }
      }
    }
    EmbeddedToxiproxy server = EmbeddedToxiproxy.start(InetAddress.getByName(host), port);
    System.out.println("toxiproxy (dsync embedded, API " + ToxiproxyApi.VERSION + ") listening on " + host + ":" + server.apiPort());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }));
    stopped.await();
  }
}
