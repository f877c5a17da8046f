package dev.dsync.chaos.clock;

import dev.dsync.chaos.cluster.Cluster;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Proof, at the start of every run with fake clocks, that each node really runs on its clock: the
 * node's HTTP server stamps each answer with its wall clock (the {@code Date} header, whole
 * seconds), which must show the offset the node was launched with. libfaketime fails silently (an
 * unreadable control file, a library the node's C library cannot load): without this check a run
 * whose clocks never moved would be reported as a valid run under clock faults.
 */
public final class FakeClockCheck {
    /** The Date header's one-second resolution, the request's round trip, and drift since launch. */
    static final long TOLERANCE_MS = 3_000;

    private FakeClockCheck() {}

    /** Throws, naming every node whose clock is off, unless each running node shows its offset. */
    public static void verify(Cluster cluster, NodeClocks clocks) throws IOException, InterruptedException {
        List<String> wrong = new ArrayList<>();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            for (String id : cluster.nodeIds()) {
                if (!cluster.isRunning(id)) {
                    continue;
                }
                long expectedOffset = clocks.spec(id).offsetMs();
                long before = System.currentTimeMillis();
                HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(cluster.clientUrl(id).resolve("/health"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                long after = System.currentTimeMillis();
                Optional<String> date = answer.headers().firstValue("date");
                if (date.isEmpty()) {
                    wrong.add(id + " sent no Date header");
                    continue;
                }
                long nodeMs = ZonedDateTime.parse(date.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                String problem = judge(id, nodeMs, before, after, expectedOffset);
                if (problem != null) {
                    wrong.add(problem);
                }
            }
        }
        if (!wrong.isEmpty()) {
            throw new IOException("nodes are not on their fake clocks (is libfaketime loaded and its control file "
                    + "readable by the node's user?): " + String.join("; ", wrong));
        }
    }

    /**
     * Null if a node whose Date header said {@code nodeMs} (truncated to the second), asked between
     * {@code beforeMs} and {@code afterMs} of real time, is within the tolerance of {@code expectedOffsetMs}.
     */
    static String judge(String id, long nodeMs, long beforeMs, long afterMs, long expectedOffsetMs) {
        long earliest = beforeMs + expectedOffsetMs - 1_000 - TOLERANCE_MS;
        long latest = afterMs + expectedOffsetMs + TOLERANCE_MS;
        if (nodeMs >= earliest && nodeMs <= latest) {
            return null;
        }
        return String.format("%s is %+d ms from real time, expected %+d ms", id, nodeMs - (beforeMs + afterMs) / 2,
                expectedOffsetMs);
    }
}
