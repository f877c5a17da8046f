package dev.dsync.chaos.nemesis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.chaos.cluster.ClusterProbe;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pause shape {@code split-vote}: two candidates of one term ask one voter, both in time. With V
 * the leader and X, Y the others: X<->Y is cut, V's messages to both are delayed by
 * {@link #VOTE_DELAY_MS}, and V is paused past an election timeout. X and Y lose their leader at the
 * same moment, time out, and ask V for PreVotes, which wait in its sockets. Resumed, V steps down
 * (its quorum check failed while it slept) and finds both requests: it may grant both PreVotes (it
 * still is at the old term), and then X's and Y's vote requests of the same new term arrive while
 * neither has won yet (V's answers travel one delay). A correct V grants its vote once per term; a
 * V that forgets whom it voted for ({@code make mutants ONLY=raft-vote-forgets}) grants both: two
 * leaders of one term, each with V for its majority. The nemesis reads /health of X and Y until one
 * leads: two nodes ever leading in the same term break Election Safety, which no correct server
 * shows, so the shape reports a violation.
 *
 * <p>Why a shape of its own: random faults make two candidates of one term ask the same voter only
 * by chance; the queue matrix missed that mutant at seed 2.
 */
final class SplitVote {
    /** V's messages to X and Y: less than an election timeout (300 ms), so V leads on until the pause. */
    static final int VOTE_DELAY_MS = 200;
    /** Longer than the longest election timeout (600 ms) and a PreVote retry after it. */
    static final long PAUSE_MS = 1_500;
    /** How long the nemesis watches X and Y after V is resumed. */
    static final long WATCH_MS = 2_500;

    /** The faults this shape is made of, carried out (and undone at the heal) by the nemesis. */
    interface Faults {
        void cut(String from, String to) throws IOException;

        void delay(String from, String to, int ms) throws IOException;

        void pause(String node) throws IOException, InterruptedException;

        void resume(String node) throws IOException, InterruptedException;
    }

    private final ClusterProbe probe;
    private final Faults faults;

    SplitVote(ClusterProbe probe, Faults faults) {
        this.probe = probe;
        this.faults = faults;
    }

    Map<String, Object> run(String v, List<String> ids) throws IOException, InterruptedException {
        Map<String, Object> value = new LinkedHashMap<>();
        List<String> others = new ArrayList<>(ids);
        others.remove(v);
        if (others.size() != 2) {
            value.put("skipped", "needs three members");
            return value;
        }
        String x = others.get(0);
        String y = others.get(1);
        value.put("roles", Map.of("voter", v, "candidates", List.of(x, y)));
        faults.cut(x, y);
        faults.cut(y, x);
        faults.delay(v, x, VOTE_DELAY_MS);
        faults.delay(v, y, VOTE_DELAY_MS);
        faults.pause(v);
        Thread.sleep(PAUSE_MS);
        faults.resume(v);
        long resumedAt = System.nanoTime();

        Map<String, Long> ledTerm = new LinkedHashMap<>();
        for (long deadline = resumedAt + WATCH_MS * 1_000_000; System.nanoTime() < deadline; ) {
            for (String node : others) {
                Optional<JsonNode> h = probe.health(node);
                if (h.isPresent() && h.get().path("role").asInt() == 2) {
                    ledTerm.putIfAbsent(node, h.get().path("term").asLong());
                }
            }
            if (ledTerm.size() == 2) {
                break;
            }
            Thread.sleep(5);
        }
        value.put("led_in_term", ledTerm);
        value.put("watched_ms", (System.nanoTime() - resumedAt) / 1_000_000);
        if (ledTerm.size() == 2 && ledTerm.get(x).equals(ledTerm.get(y))) {
            value.put("violation", x + " and " + y + " both led term " + ledTerm.get(x)
                    + ": a voter granted its vote of one term to two candidates");
        }
        return value;
    }
}
