package dev.dsync.chaos.toxiproxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Toxiproxy 2.x REST API over a {@link ProxyRegistry}, served by the JDK HTTP server on
 * 127.0.0.1 with one virtual thread per request. Status codes follow Toxiproxy: 201 for created
 * proxies and populate, 204 for deletes and reset, 200 otherwise; errors are
 * {@code {"error": ..., "status": ...}} with 400/404/409/500. Updates are accepted as POST (what
 * toxiproxy-java sends) and PATCH.
 */
final class ToxiproxyApi implements AutoCloseable {
  /** Reported by GET /version. */
  static final String VERSION = "2.x-dsync-embedded";

  /** Request bodies are small JSON documents; anything bigger is refused, not buffered. */
  private static final int MAX_BODY_BYTES = 1 << 20;

  private final ProxyRegistry registry;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  ToxiproxyApi(ProxyRegistry registry, InetAddress bindAddress, int port) throws IOException {
    this.registry = registry;
    this.server = HttpServer.create(new InetSocketAddress(bindAddress, port), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.close();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Response response;
      try {
        byte[] body = readBody(exchange.getRequestBody());
        List<String> path =
            Arrays.stream(exchange.getRequestURI().getPath().split("/"))
                .filter(segment -> !segment.isEmpty())
                .toList();
        response = route(exchange.getRequestMethod(), path, body);
      } catch (ApiException e) {
        response = new Response(e.status(), ApiJson.error(e));
      } catch (RuntimeException e) {
        response = new Response(500, ApiJson.error(new ApiException(500, String.valueOf(e))));
      }
      send(exchange, response);
    }
  }

  private record Response(int status, JsonNode body) {
    static Response ok(JsonNode body) {
      return new Response(200, body);
    }

    static Response noContent() {
      return new Response(204, null);
    }
  }

  private Response route(String method, List<String> path, byte[] body) {
    int size = path.size();
    String first = size > 0 ? path.get(0) : "";
    if (size == 1 && first.equals("version")) {
      requireMethod(method, "GET");
      ObjectNode version = ApiJson.MAPPER.createObjectNode().put("version", VERSION);
      return Response.ok(version);
    }
    if (size == 1 && first.equals("reset")) {
      requireMethod(method, "POST");
      registry.reset();
      return Response.noContent();
    }
    if (size == 1 && first.equals("populate")) {
      requireMethod(method, "POST");
      return populate(body);
    }
    if (size >= 1 && first.equals("proxies")) {
      if (size == 1) {
        return proxies(method, body);
      }
      ToxicProxy proxy = registry.get(path.get(1));
      if (size == 2) {
        return proxy(method, proxy, body);
      }
      if (size == 3 && path.get(2).equals("toxics")) {
        return toxics(method, proxy, body);
      }
      if (size == 4 && path.get(2).equals("toxics")) {
        return toxic(method, proxy, path.get(3), body);
      }
    }
    throw new ApiException(404, "not found");
  }

  private Response proxies(String method, byte[] body) {
    if (method.equals("GET")) {
      ObjectNode all = ApiJson.MAPPER.createObjectNode();
      registry.all().forEach(proxy -> all.set(proxy.name(), ApiJson.proxy(proxy)));
      return Response.ok(all);
    }
    requireMethod(method, "POST");
    ToxicProxy created = registry.create(ApiJson.proxyConfig(ApiJson.parse(body)));
    return new Response(201, ApiJson.proxy(created));
  }

  private Response populate(byte[] body) {
    try {
      List<ToxicProxy> proxies = registry.populate(ApiJson.proxyConfigs(ApiJson.parse(body)));
      ObjectNode result = ApiJson.MAPPER.createObjectNode();
      proxies.forEach(proxy -> result.withArray("proxies").add(ApiJson.proxy(proxy)));
      result.withArray("proxies");
      return new Response(201, result);
    } catch (ApiException e) {
      ObjectNode error = ApiJson.error(e);
      error.putArray("proxies");
      return new Response(e.status(), error);
    }
  }

  private Response proxy(String method, ToxicProxy proxy, byte[] body) {
    switch (method) {
      case "GET" -> {
        return Response.ok(ApiJson.proxy(proxy));
      }
      case "POST", "PATCH" -> {
        JsonNode input = ApiJson.object(ApiJson.parse(body));
        proxy.update(
            ApiJson.text(input, "listen", proxy.listen()),
            ApiJson.text(input, "upstream", proxy.upstream()),
            ApiJson.bool(input, "enabled", proxy.enabled()));
        return Response.ok(ApiJson.proxy(proxy));
      }
      case "DELETE" -> {
        registry.delete(proxy.name());
        return Response.noContent();
      }
      default -> throw methodNotAllowed();
    }
  }

  private Response toxics(String method, ToxicProxy proxy, byte[] body) {
    if (method.equals("GET")) {
      return Response.ok(ApiJson.toxics(proxy.toxics()));
    }
    requireMethod(method, "POST");
    JsonNode input = ApiJson.object(ApiJson.parse(body));
    // Same checks, in the same order, as Toxiproxy: stream, then type, then name clash.
    String streamName = ApiJson.text(input, "stream", "downstream");
    StreamDirection stream = StreamDirection.fromWire(streamName);
    if (stream == null) {
      throw ApiException.invalidStream();
    }
    String typeName = ApiJson.text(input, "type", "");
    String name = ApiJson.text(input, "name", "");
    if (name.isEmpty()) {
      name = typeName + "_" + stream.wireName();
    }
    ToxicType type = ToxicType.fromWire(typeName);
    if (type == null) {
      throw ApiException.invalidToxicType();
    }
    Float toxicity = ApiJson.toxicity(input);
    ToxicSpec spec =
        proxy.addToxic(
            name,
            type,
            stream,
            toxicity == null ? 1.0f : toxicity,
            ApiJson.attributes(input, type));
    return Response.ok(ApiJson.toxic(spec));
  }

  private Response toxic(String method, ToxicProxy proxy, String name, byte[] body) {
    switch (method) {
      case "GET" -> {
        return Response.ok(ApiJson.toxic(proxy.findToxic(name)));
      }
      case "POST", "PATCH" -> {
        ToxicSpec existing = proxy.findToxic(name);
        JsonNode input = ApiJson.object(ApiJson.parse(body));
        ToxicSpec updated =
            proxy.updateToxic(
                name, ApiJson.toxicity(input), ApiJson.attributes(input, existing.type()));
        return Response.ok(ApiJson.toxic(updated));
      }
      case "DELETE" -> {
        proxy.removeToxic(name);
        return Response.noContent();
      }
      default -> throw methodNotAllowed();
    }
  }

  private static void requireMethod(String method, String expected) {
    if (!method.equals(expected)) {
      throw methodNotAllowed();
    }
  }

  private static ApiException methodNotAllowed() {
    return new ApiException(405, "method not allowed");
  }

  private static byte[] readBody(InputStream in) throws IOException {
    byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
    if (body.length > MAX_BODY_BYTES) {
      throw ApiException.badRequest("body larger than " + MAX_BODY_BYTES + " bytes");
    }
    return body;
  }

  private static void send(HttpExchange exchange, Response response) throws IOException {
    if (response.body() == null) {
      exchange.sendResponseHeaders(response.status(), -1);
      return;
    }
    byte[] bytes = ApiJson.MAPPER.writeValueAsBytes(response.body());
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(response.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
