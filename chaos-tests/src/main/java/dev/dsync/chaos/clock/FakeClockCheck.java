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
        // A node launched at a rate other than 1 has moved further since: offset plus what the rate
        // added, give or take what it added during the node's start-up (2 s at most).
        check(cluster, clocks, "nodes are not on their fake clocks (is libfaketime loaded and its control file "
                + "readable by the node's user?): ", (spec, sinceLaunch) -> new Window(
                spec.offsetMs() + Math.round((spec.rate() - 1) * sinceLaunch), Math.round(Math.abs(spec.rate() - 1) * 2_000)));
    }

    /**
     * At the end of a run: throws unless every running node that answers is still where the nemesis's
     * bounds allow, its launch offset give or take {@link ClockFaults#MAX_RATE_ERROR} of the time
     * since launch. A node outside them ran on a clock the server is not asked to survive, so the
     * run's verdict says nothing about the server (libfaketime once put clocks hours off, and a
     * queue run came out invalid).
     */
    public static void verifyStillInBounds(Cluster cluster, NodeClocks clocks) throws IOException, InterruptedException {
        check(cluster, clocks, "a node's clock left the clock nemesis's bounds, so this run says nothing about the server: ",
                (spec, sinceLaunch) -> new Window(spec.offsetMs(), Math.round(ClockFaults.MAX_RATE_ERROR * sinceLaunch)));
    }

    /** The offset a node should show, give or take the slack (beside {@link #TOLERANCE_MS}). */
    private record Window(long offsetMs, long slackMs) {}

    /** A node's window from its spec and the milliseconds since its launch. */
    private interface Expectation {
        Window of(ClockSpec spec, long sinceLaunchMs);
    }

    private static void check(Cluster cluster, NodeClocks clocks, String failure, Expectation expectation)
            throws IOException, InterruptedException {
        List<String> wrong = new ArrayList<>();
        List<String> silent = new ArrayList<>();
        int verified = 0;
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            for (String id : cluster.nodeIds()) {
                if (!cluster.isRunning(id)) {
                    continue;
                }
                long sinceLaunch = Math.max(0, System.currentTimeMillis() - clocks.launchedAtMs(id));
                Window window = expectation.of(clocks.spec(id), sinceLaunch);
                String problem = askUntilAnswered(http, cluster, id, window.offsetMs(), window.slackMs());
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
            throw new IOException(failure + String.join("; ", wrong)
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
