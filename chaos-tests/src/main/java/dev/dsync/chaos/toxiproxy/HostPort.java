package dev.dsync.chaos.toxiproxy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Parses and formats the "host:port" strings Toxiproxy uses for listen and upstream addresses. */
record HostPort(String host, int port) {

  /**
   * Parses "host:port", "[v6]:port" or ":port". An empty host means loopback: the embedded server
   * only ever serves 127.0.0.1, unlike Toxiproxy which would bind every interface.
   *
   * @throws ApiException 400 when the text is not an address
   */
  static HostPort parse(String field, String text) {
    if (text == null || text.isBlank()) {
      throw ApiException.missingField(field);
    }
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw ApiException.badRequest(field + " " + text + ": missing port in address");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(field + " " + text + ": invalid port");
    }
    if (port < 0 || port > 65535) {
      throw ApiException.badRequest(field + " " + text + ": invalid port");
    }
    return new HostPort(host.isEmpty() ? "127.0.0.1" : host, port);
  }

  InetSocketAddress resolve() throws UnknownHostException {
    return new InetSocketAddress(InetAddress.getByName(host), port);
  }

  /** Formats a bound socket address the way Go's net.Addr.String() does ("ip:port"). */
  static String format(InetSocketAddress address) {
    InetAddress ip = address.getAddress();
    String host = ip instanceof Inet6Address ? "[" + ip.getHostAddress() + "]" : ip.getHostAddress();
    return host + ":" + address.getPort();
  }
}
