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

    /**
     * Throws, naming every node whose clock is off, unless each running node that answers shows its
     * offset and at least one does (a node may be briefly unreachable; a broken preload is not).
     */
    public static void verify(Cluster cluster, NodeClocks clocks) throws IOException, InterruptedException {
        List<String> wrong = new ArrayList<>();
        List<String> silent = new ArrayList<>();
        int verified = 0;
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            for (String id : cluster.nodeIds()) {
                if (!cluster.isRunning(id)) {
                    continue;
                }
                // A node launched at a rate other than 1 has moved further since: offset plus what the
                // rate added, give or take what it added during the node's start-up (2 s at most).
                ClockSpec spec = clocks.spec(id);
                long sinceLaunch = Math.max(0, System.currentTimeMillis() - clocks.launchedAtMs(id));
                long expected = spec.offsetMs() + Math.round((spec.rate() - 1) * sinceLaunch);
                long slack = Math.round(Math.abs(spec.rate() - 1) * 2_000);
                String problem = askUntilAnswered(http, cluster, id, expected, slack);
                if (problem == null) {
                    verified++;
                } else if (problem.startsWith(SILENT)) {
                    silent.add(id + problem.substring(SILENT.length()));
                } else {
                    wrong.add(problem);
                }
            }
        }
        if (!wrong.isEmpty() || verified == 0) {
            throw new IOException("nodes are not on their fake clocks (is libfaketime loaded and its control file "
                    + "readable by the node's user?): " + String.join("; ", wrong)
                    + (silent.isEmpty() ? "" : "; no answer from " + String.join(", ", silent)));
        }
    }

    private static final String SILENT = "silent:";

    /** Null if the node shows its offset; a description if not; {@link #SILENT} + why if it never answered. */
    private static String askUntilAnswered(HttpClient http, Cluster cluster, String id, long expectedOffset, long slackMs)
            throws InterruptedException {
        String lastError = "";
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                long before = System.currentTimeMillis();
                HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(cluster.clientUrl(id).resolve("/health"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                long after = System.currentTimeMillis();
                Optional<String> date = answer.headers().firstValue("date");
                if (date.isEmpty()) {
                    return id + " sent no Date header";
                }
                long nodeMs = ZonedDateTime.parse(date.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                return judge(id, nodeMs, before - slackMs, after + slackMs, expectedOffset);
            } catch (IOException e) {
                lastError = " (" + e.getMessage() + ")";
                Thread.sleep(300);
            }
        }
        return SILENT + lastError;
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
