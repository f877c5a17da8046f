package dev.dsync.chaos.toxiproxy;

import eu.rekawek.toxiproxy.ToxiproxyClient;
import java.io.IOException;
import java.net.InetAddress;

/**
 * An in-process server speaking Toxiproxy's 2.x REST API, for machines without Docker. Drive it
 * with toxiproxy-java ({@link #client()}) exactly as a real Toxiproxy: create proxies on
 * 127.0.0.1, add latency, bandwidth, slow_close, timeout, reset_peer, slicer and limit_data toxics
 * upstream or downstream, disable and enable proxies, reset.
 *
 * <p>The API and every proxy listen on 127.0.0.1 only. Connections are served by virtual threads.
 */
public final class EmbeddedToxiproxy implements AutoCloseable {
  private final ProxyRegistry registry;
  private final ToxiproxyApi api;

  private EmbeddedToxiproxy(ProxyRegistry registry, ToxiproxyApi api) {
    this.registry = registry;
    this.api = api;
  }

  /**
   * Starts the REST API on 127.0.0.1.
   *
   * @param apiPort port for the API; 0 picks a free one (see {@link #apiPort()})
   */
  public static EmbeddedToxiproxy start(int apiPort) throws IOException {
    return start(InetAddress.getLoopbackAddress(), apiPort);
  }

  /**
   * Starts the REST API on {@code bindAddress}: the container image binds every interface, as
   * {@code toxiproxy-server -host 0.0.0.0} does, since its clients are outside the container.
   */
  public static EmbeddedToxiproxy start(InetAddress bindAddress, int apiPort) throws IOException {
    ProxyRegistry registry = new ProxyRegistry();
    return new EmbeddedToxiproxy(registry, new ToxiproxyApi(registry, bindAddress, apiPort));
  }

  /** The port the REST API actually listens on. */
  public int apiPort() {
    return api.port();
  }

  /** Host of the REST API and of every proxy. */
  public String host() {
    return "127.0.0.1";
  }

  /** A toxiproxy-java client for this server. */
  public ToxiproxyClient client() {
    return new ToxiproxyClient(host(), apiPort());
  }

  /** Stops the API, then every proxy and connection. */
  @Override
  public void close() {
    api.close();
    registry.closeAll();
  }
}
