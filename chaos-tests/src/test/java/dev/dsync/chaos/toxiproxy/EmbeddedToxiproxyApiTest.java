package dev.dsync.chaos.toxiproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.Toxic;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import eu.rekawek.toxiproxy.model.toxic.Latency;
import eu.rekawek.toxiproxy.model.toxic.Slicer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST API, driven through toxiproxy-java (and raw HTTP where the client has no call). */
class EmbeddedToxiproxyApiTest {
  private static final String UPSTREAM = "127.0.0.1:9"; // never dialled by these tests

  private EmbeddedToxiproxy toxiproxy;
  private ToxiproxyClient client;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws IOException {
    toxiproxy = EmbeddedToxiproxy.start(0);
    client = toxiproxy.client();
  }

  @AfterEach
  void stop() {
    toxiproxy.close();
  }

  @Test
  void createListGetAndDeleteProxies() throws IOException {
    Proxy created = client.createProxy("db", "127.0.0.1:0", UPSTREAM);
    assertEquals("db", created.getName());
    assertEquals(UPSTREAM, created.getUpstream());
    assertTrue(created.isEnabled());
    assertTrue(created.getListen().startsWith("127.0.0.1:"));
    assertNotEquals("127.0.0.1:0", created.getListen(), "the real port is reported");

    client.createProxy("cache", "127.0.0.1:0", UPSTREAM);
    List<String> names = client.getProxies().stream().map(Proxy::getName).sorted().toList();
    assertEquals(List.of("cache", "db"), names);
    assertEquals(created.getListen(), client.getProxy("db").getListen());

    created.delete();
    assertNull(client.getProxyOrNull("db"));
    assertEquals(1, client.getProxies().size());
  }

  @Test
  void versionAnswers() throws IOException {
    assertTrue(client.version().contains(ToxiproxyApi.VERSION));
  }

  @Test
  void duplicateProxyIs409AndUnknownProxyIs404() throws IOException {
    client.createProxy("db", "127.0.0.1:0", UPSTREAM);
    IOException duplicate =
        assertThrows(IOException.class, () -> client.createProxy("db", "127.0.0.1:0", UPSTREAM));
    assertTrue(duplicate.getMessage().contains("409"), duplicate.getMessage());
    IOException unknown = assertThrows(IOException.class, () -> client.getProxy("nope"));
    assertTrue(unknown.getMessage().contains("404"), unknown.getMessage());
    assertEquals(404, post("/proxies/nope/toxics", "{\"type\":\"latency\"}").statusCode());
    assertEquals(404, http("DELETE", "/proxies/nope", null).statusCode());
  }

  @Test
  void toxicErrorsFollowToxiproxy() throws IOException {
    Proxy proxy = client.createProxy("db", "127.0.0.1:0", UPSTREAM);
    proxy.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 10);
    IOException duplicate =
        assertThrows(
            IOException.class,
            () -> proxy.toxics().latency("slow", ToxicDirection.UPSTREAM, 10));
    assertTrue(duplicate.getMessage().contains("409"), duplicate.getMessage());
    IOException unknown = assertThrows(IOException.class, () -> proxy.toxics().get("nope"));
    assertTrue(unknown.getMessage().contains("404"), unknown.getMessage());
    assertEquals(404, http("DELETE", "/proxies/db/toxics/nope", null).statusCode());

    assertEquals(400, post("/proxies/db/toxics", "{\"type\":\"latency\",\"stream\":\"x\"}").statusCode());
    assertEquals(400, post("/proxies/db/toxics", "{\"type\":\"frobnicate\"}").statusCode());
    assertEquals(
        400,
        post("/proxies/db/toxics", "{\"type\":\"latency\",\"attributes\":{\"latency\":\"a\"}}")
            .statusCode());
    assertEquals(400, post("/proxies/db/toxics", "not json").statusCode());
  }

  @Test
  void badProxyInputIs400WithToxiproxyErrorShape() throws IOException {
    HttpResponse<String> missingUpstream = post("/proxies", "{\"name\":\"x\",\"listen\":\"127.0.0.1:0\"}");
    assertEquals(400, missingUpstream.statusCode());
    JsonNode error = ApiJson.MAPPER.readTree(missingUpstream.body());
    assertEquals(400, error.get("status").asInt());
    assertTrue(error.get("error").asText().contains("upstream"));
    assertEquals(400, post("/proxies", "{\"upstream\":\"127.0.0.1:1\"}").statusCode());
    assertEquals(400, post("/proxies", "{\"name\":\"x\",\"upstream\":\"no-port\"}").statusCode());
    assertEquals(400, post("/proxies", "").statusCode());
    assertEquals(404, http("GET", "/nothing-here", null).statusCode());
  }

  @Test
  void toxicAttributesRoundTripAndUpdateInPlace() throws IOException {
    Proxy proxy = client.createProxy("db", "127.0.0.1:0", UPSTREAM);
    Latency latency = proxy.toxics().latency("slow", ToxicDirection.UPSTREAM, 100).setJitter(20);
    assertEquals(100, latency.getLatency());
    assertEquals(20, latency.getJitter());
    latency.setLatency(250);
    latency.setToxicity(0.5f);
    Latency fetched = proxy.toxics().get("slow", Latency.class);
    assertEquals(250, fetched.getLatency());
    assertEquals(20, fetched.getJitter(), "an update keeps the attributes it does not name");
    assertEquals(0.5f, fetched.getToxicity());
    assertEquals(ToxicDirection.UPSTREAM, fetched.getStream());

    Slicer slicer = proxy.toxics().slicer("cut", ToxicDirection.DOWNSTREAM, 10, 5);
    assertEquals(0, slicer.getSizeVariation(), "unset attributes default to 0");
    List<String> names = proxy.toxics().getAll().stream().map(Toxic::getName).toList();
    assertEquals(List.of("slow", "cut"), names, "upstream toxics listed first");
    slicer.remove();
    assertEquals(1, proxy.toxics().getAll().size());
  }

  @Test
  void toxicNameDefaultsToTypeAndStream() throws IOException {
    client.createProxy("db", "127.0.0.1:0", UPSTREAM);
    HttpResponse<String> created = post("/proxies/db/toxics", "{\"type\":\"timeout\"}");
    assertEquals(200, created.statusCode());
    JsonNode toxic = ApiJson.MAPPER.readTree(created.body());
    assertEquals("timeout_downstream", toxic.get("name").asText());
    assertEquals(1.0, toxic.get("toxicity").asDouble());
    assertEquals(0, toxic.get("attributes").get("timeout").asInt());
  }

  @Test
  void disableAndEnableKeepTheListenAddress() throws IOException {
    Proxy proxy = client.createProxy("db", "127.0.0.1:0", UPSTREAM);
    String listen = proxy.getListen();
    proxy.disable();
    assertFalse(proxy.isEnabled());
    proxy.enable();
    assertTrue(proxy.isEnabled());
    assertEquals(listen, proxy.getListen());
  }

  /**
   * A heal disables and enables a cut proxy; the port it listened on may still be held for a moment
   * (on a loaded machine the old listener's close lagged, and a chaos run failed with "Address
   * already in use"). Enabling again waits for its own port; a first bind to a taken one fails at once.
   */
  @Test
  void enableWaitsForItsOwnPortToBeFreeAgain() throws Exception {
    Proxy proxy = client.createProxy("db", "127.0.0.1:0", UPSTREAM);
    String listen = proxy.getListen();
    proxy.disable();
    ServerSocket squatter = new ServerSocket();
    squatter.bind(HostPort.parse("listen", listen).resolve());
    Thread release = Thread.ofPlatform().start(() -> {
      try {
        Thread.sleep(300);
        squatter.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    proxy.enable();
    release.join();
    assertTrue(proxy.isEnabled());
    assertEquals(listen, proxy.getListen());

    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      long start = System.nanoTime();
      HttpResponse<String> refused = post("/proxies", "{\"name\":\"other\",\"listen\":\"127.0.0.1:"
          + taken.getLocalPort() + "\",\"upstream\":\"" + UPSTREAM + "\"}");
      assertEquals(500, refused.statusCode());
      assertTrue(refused.body().contains("Address already in use"), refused.body());
      assertTrue(System.nanoTime() - start < 2_000_000_000L, "a first bind does not wait");
    }
  }

  @Test
  void resetEnablesEveryProxyAndRemovesEveryToxic() throws IOException {
    Proxy first = client.createProxy("a", "127.0.0.1:0", UPSTREAM);
    Proxy second = client.createProxy("b", "127.0.0.1:0", UPSTREAM);
    first.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 100);
    second.toxics().timeout("cut", ToxicDirection.UPSTREAM, 0);
    second.disable();

    client.reset();

    for (Proxy proxy : client.getProxies()) {
      assertTrue(proxy.isEnabled(), proxy.getName());
      assertTrue(proxy.toxics().getAll().isEmpty(), proxy.getName());
    }
  }

  @Test
  void populateCreatesAndKeepsUnchangedProxies() throws IOException {
    Proxy kept = client.createProxy("kept", "127.0.0.1:0", UPSTREAM);
    kept.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 100);
    String body =
        "[{\"name\":\"kept\",\"listen\":\"" + kept.getListen() + "\",\"upstream\":\"" + UPSTREAM
            + "\"},{\"name\":\"fresh\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"" + UPSTREAM
            + "\",\"enabled\":false}]";
    HttpResponse<String> response = post("/populate", body);
    assertEquals(201, response.statusCode());
    JsonNode proxies = ApiJson.MAPPER.readTree(response.body()).get("proxies");
    assertEquals(2, proxies.size());
    assertEquals(1, client.getProxy("kept").toxics().getAll().size(), "unchanged proxy kept");
    assertFalse(client.getProxy("fresh").isEnabled());
    assertEquals(400, post("/populate", "[{\"name\":\"x\"}]").statusCode());
  }

  private HttpResponse<String> post(String path, String body) throws IOException {
    return http("POST", path, body);
  }

  private HttpResponse<String> http(String method, String path, String body) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + toxiproxy.apiPort() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
