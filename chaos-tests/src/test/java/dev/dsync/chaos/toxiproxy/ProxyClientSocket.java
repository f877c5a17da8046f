package dev.dsync.chaos.toxiproxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A test client connection to a proxy's listen address, with short blocking helpers. */
final class ProxyClientSocket implements AutoCloseable {
  final Socket socket = new Socket();

  ProxyClientSocket(String listen, int readTimeoutMillis) throws IOException {
    HostPort address = HostPort.parse("listen", listen);
    socket.connect(new InetSocketAddress(address.host(), address.port()), 2_000);
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(readTimeoutMillis);
  }

  void send(String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
  }

  void send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
  }

  /** Reads exactly {@code length} bytes, failing on EOF. */
  byte[] readExactly(int length) throws IOException {
    byte[] data = socket.getInputStream().readNBytes(length);
    if (data.length != length) {
      throw new IOException("EOF after " + data.length + " of " + length + " bytes");
    }
    return data;
  }

  String readText(int length) throws IOException {
    return new String(readExactly(length), StandardCharsets.UTF_8);
  }

  /** Sends {@code text} and returns how long the echo took to come back, in milliseconds. */
  long echoMillis(String text) throws IOException {
    long start = System.nanoTime();
    send(text);
    String echoed = readText(text.length());
    if (!echoed.equals(text)) {
      throw new IOException("echo mismatch: " + echoed);
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  /** Reads until EOF and returns how many bytes came (fails on read timeout). */
  int readToEnd() throws IOException {
    return socket.getInputStream().readAllBytes().length;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
