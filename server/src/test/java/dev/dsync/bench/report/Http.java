package dev.dsync.bench.report;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The load generator's HTTP: one JDK client shared by every load thread (a connection each), JSON bodies. */
final class Http {
    record Answer(int status, String body) {
        boolean ok() {
            return status == 200;
        }
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    Answer post(int port, String path, String json, Duration timeout) throws IOException {
        return send(HttpRequest.newBuilder(uri(port, path)).timeout(timeout)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    Answer post(int port, String path, String json) throws IOException {
        return post(port, path, json, Duration.ofSeconds(10));
    }

    Answer get(int port, String path) throws IOException {
        return send(HttpRequest.newBuilder(uri(port, path)).timeout(Duration.ofSeconds(5)).GET().build());
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private Answer send(HttpRequest request) throws IOException {
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
