package dev.dsync.chaos.nemesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dsync.chaos.cluster.Cluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cache's part of {@code partition/isolate-follower}: the isolated follower H holds a copy of a
 * key of the nemesis's own, and the other follower W writes a new value of it right after the cut.
 * Until H's read lease has run out, H may still serve the old value as a hit, so nobody may be
 * shown the new one: W's write waits for H's lease, and so does a read at W (its own new line is
 * newer than its lease's watermark, so a get there is a miss the leader answers once the key is
 * settled). The nemesis reads the key at W until it sees the new value, then at H: the old value
 * there, after the new one was read, is a stale read, which the shape reports as a violation.
 *
 * <p>Why a shape of its own: the workloads' readers rarely read one key at both nodes within the
 * 100-200 ms that matter, so a node serving its newly written line before the write has settled
 * ({@code make mutants ONLY=cache-hit-ignores-watermark}) was caught at some seeds only.
 *
 * <p>{@code latency/answers-late} plays it with the leader as writer and the
 * leader's answers to H delayed: a node's lease counts from when it asked, so a grant that arrives
 * late leaves it little or no time to serve, while the leader counts from when it granted. A node
 * that counts from the grant's arrival ({@code make mutants ONLY=cache-lease-from-receipt}) serves
 * its copy for that delay past the leader's bound: after the leader has settled and answered the
 * rewrite. With the delays of a healthy network the two readings differ by a millisecond or two,
 * which no run can see.
 */
final class HolderCutOff {
    /** Isolates a node the way {@code partition/isolate-follower} does; returns who was isolated. */
    interface Isolation {
        List<String> isolate(String node) throws IOException;
    }

    /** How long the nemesis reads at W for the new value: a correct W shows it once H's lease (211 ms at most) is over. */
    static final int NEW_VALUE_WAIT_MS = 600;
    /**
     * H is cut off once its lease has at least this long to run (of 200 ms: renewed moments ago), so
     * that it may serve its copy for most of the time W's write takes to settle.
     */
    static final int FRESH_LEASE_MS = 170;
    /** How long the nemesis watches H's lease for a fresh renewal (a holder renews every lease period). */
    static final int LEASE_WAIT_MS = 600;
    private static final int FILL_TRIES = 5;
    private static final Duration CALL_TIMEOUT = Duration.ofMillis(1_000);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Cluster cluster;
    private final Isolation isolation;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500))
            .version(HttpClient.Version.HTTP_1_1).build();
    private int round;

    HolderCutOff(Cluster cluster, Isolation isolation) {
        this.cluster = cluster;
        this.isolation = isolation;
    }

    /**
     * Isolates {@code holder}, having first given it and {@code writer} a copy of a fresh key written
     * through {@code leader}. W may be the leader itself: it then needs no copy, since the leader
     * answers reads itself once a write settled.
     */
    Map<String, Object> run(String holder, String writer, String leader) throws IOException, InterruptedException {
        Map<String, Object> value = new LinkedHashMap<>();
        String key = "nemesis-holder-" + System.currentTimeMillis() + "-" + (++round); // written by this step alone
        value.put("key", key);
        boolean writerIsLeader = writer.equals(leader);
        Optional<JsonNode> written = call(leader, "/cache/put", "{\"key\":\"" + key + "\",\"val\":1}");
        boolean filled = written.isPresent() && holds(holder, key, 1) && (writerIsLeader || holds(writer, key, 1));
        if (filled) {
            // W must be able to serve hits (a node catching up after an earlier fault cannot yet),
            // or a W that ignores the watermark would answer through the leader like a correct one.
            if (!writerIsLeader) {
                value.put("writer_lease_ms", awaitServable(writer, key, 1));
            }
            value.put("holder_lease_ms_at_cut", awaitServable(holder, key, FRESH_LEASE_MS));
        }
        long cutAt = System.nanoTime();
        value.put("isolated", isolation.isolate(holder));
        if (!filled) {
            value.put("skipped_read_check", "no copy of " + key + " at both " + holder + " and " + writer);
            return value;
        }

        // W writes 2; the nemesis reads at W until it sees 2, then at H.
        String put = "{\"key\":\"" + key + "\",\"val\":2}";
        http.sendAsync(post(writer, "/cache/put", put), HttpResponse.BodyHandlers.discarding());
        Long newSeenMs = null;
        for (long deadline = System.nanoTime() + NEW_VALUE_WAIT_MS * 1_000_000L; System.nanoTime() < deadline; ) {
            Optional<JsonNode> read = get(writer, key);
            if (read.isPresent() && read.get().path("val").asInt() == 2) {
                newSeenMs = msSince(cutAt);
                value.put("writer_answer", read.get().toString());
                break;
            }
        }
        value.put("writer_read_new_ms", newSeenMs);
        if (newSeenMs == null) {
            return value;
        }
        Optional<JsonNode> atHolder = get(holder, key);
        value.put("holder_read_ms", msSince(cutAt));
        value.put("holder_answer", atHolder.map(JsonNode::toString).orElse("none"));
        if (atHolder.isPresent() && atHolder.get().path("val").asInt() == 1) {
            value.put("violation", holder + " served " + key + "=1 (" + atHolder.get() + ") after " + writer
                    + " had answered the newer value 2 to a read that completed first: a stale read");
        }
        return value;
    }

    /**
     * Watches {@code node}'s {@code /cache/state} of {@code key} until its copy is servable under a
     * lease with at least {@code minRemainingMs} to run (for H: renewed moments ago, so that cut off
     * then it serves the copy that long). Returns the time left on the lease last seen (-1: not servable).
     */
    private long awaitServable(String node, String key, long minRemainingMs) throws InterruptedException {
        long remaining = -1;
        for (long deadline = System.nanoTime() + LEASE_WAIT_MS * 1_000_000L; System.nanoTime() < deadline; ) {
            Optional<JsonNode> state = localState(node, key);
            remaining = state.filter(st -> st.path("servable").asBoolean())
                    .map(st -> st.path("lease").path("remaining_ms").asLong(-1)).orElse(-1L);
            if (remaining >= minRemainingMs) {
                break;
            }
            Thread.sleep(2);
        }
        return remaining;
    }

    private Optional<JsonNode> localState(String node, String key) {
        URI uri = cluster.clientUrl(node).resolve("/cache/state?key=" + key);
        return send(HttpRequest.newBuilder(uri).timeout(CALL_TIMEOUT).GET().build());
    }

    /** Reads {@code key} at {@code node} until the answer says the node holds a copy (E or S) of {@code val}. */
    private boolean holds(String node, String key, int val) {
        for (int i = 0; i < FILL_TRIES; i++) {
            Optional<JsonNode> read = get(node, key);
            if (read.isPresent() && read.get().path("val").asInt() == val
                    && List.of("E", "S", "M").contains(read.get().path("state").asText())) {
                return true;
            }
        }
        return false;
    }

    private Optional<JsonNode> get(String node, String key) {
        return call(node, "/cache/get", "{\"key\":\"" + key + "\"}");
    }

    private Optional<JsonNode> call(String node, String path, String body) {
        return send(post(node, path, body));
    }

    /** The JSON body of a 200 answer; empty on any other answer or none. */
    private Optional<JsonNode> send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private HttpRequest post(String node, String path, String body) {
        URI uri = cluster.clientUrl(node).resolve(path);
        return HttpRequest.newBuilder(uri).timeout(CALL_TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static long msSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
