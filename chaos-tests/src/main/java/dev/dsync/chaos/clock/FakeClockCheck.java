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
 * Proof, at the start and at the end of every run with fake clocks, that each node really runs on the
 * clock the nemesis gave it: the node's HTTP server stamps each answer with its wall clock (the
 * {@code Date} header, whole seconds), which must show the offset its launch and its rates since add
 * up to. libfaketime fails silently (an unreadable control file, a library the node's C library cannot
 * load): without the first check a run whose clocks never moved would be reported as a valid run under
 * clock faults; without the second, one whose clocks jumped far outside the bounds as a server bug.
 */
public final class FakeClockCheck {
    /** Beside the one-second resolution of the Date header and the request's round trip. */
    static final long TOLERANCE_MS = 3_000;

    private FakeClockCheck() {}

    /**
     * Throws, naming every node whose clock is off, unless each running node that answers shows the
     * offset its clock should have by now ({@link NodeClocks#expectedOffsetMs}: its launch offset and
     * every rate it was given since) and at least one does (a node may be briefly unreachable; a broken
     * preload is not). Run at the start of a run, it proves the nodes are on their fake clocks; at the
     * end, that they stayed where the nemesis put them: libfaketime once threw clocks hours off (file
     * times faked), a clock the server is not asked to survive, after which a run's verdict says
     * nothing about the server.
     *
     * @param when "at the start" or "at the end", for the message
     */
    public static void verify(Cluster cluster, NodeClocks clocks, String when) throws IOException, InterruptedException {
        List<String> wrong = new ArrayList<>();
        List<String> silent = new ArrayList<>();
        int verified = 0;
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            for (String id : cluster.nodeIds()) {
                Long expected = clocks.expectedOffsetMs(id, System.currentTimeMillis());
                if (!cluster.isRunning(id) || expected == null) {
                    continue;
                }
                String problem = askUntilAnswered(http, cluster, id, clocks);
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
            throw new IOException("nodes are not on the fake clocks the nemesis set " + when + " of the run (is libfaketime "
                    + "loaded, its control file readable by the node's user, and NO_FAKE_STAT set?): " + String.join("; ", wrong)
                    + (silent.isEmpty() ? "" : "; no answer from " + String.join(", ", silent)));
        }
    }

    private static final String SILENT = "silent:";

    /** Null if the node shows its expected offset; a description if not; {@link #SILENT} + why if it never answered. */
    private static String askUntilAnswered(HttpClient http, Cluster cluster, String id, NodeClocks clocks)
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
                long slack = clocks.slackMs(id);
                return judge(id, nodeMs, before - slack, after + slack, clocks.expectedOffsetMs(id, (before + after) / 2));
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
