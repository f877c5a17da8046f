package dev.dsync.chaos.nemesis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.chaos.cluster.Cluster;
import dev.dsync.chaos.cluster.ClusterProbe;
import eu.rekawek.toxiproxy.Proxy;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kill shape {@code stale-log-leader}: the old leader comes back with a log that is longer but
 * older than the survivor's, and must not win the election that follows.
 *
 * <ol>
 *   <li>The leader A is cut off from its peers, and a writer outside the workload sends it
 *       {@link #FILLER_WRITES} writes at once, which it appends (it still leads until its quorum
 *       check) and can never commit. Its log now ends with many entries of its old term.</li>
 *   <li>The others elect B, which commits a few entries of its new term (the workload's writes,
 *       some acknowledged) with the third node C: C's log ends in the newer term but is shorter.</li>
 *   <li>B is killed and A's links come back: A and C hold an election. Raft's up-to-date rule
 *       (dissertation §3.6.1: compare the last terms first, the lengths only on a tie) makes C win. A
 *       voter that compares lengths alone lets A win, and A's log then overwrites the entries B
 *       committed: acknowledged writes are lost, which the workload's checker sees.</li>
 * </ol>
 * B is restarted at the heal. Why a shape of its own: without the filler A's log is rarely the
 * longer one (a closed-loop client has one write in flight), and a kill or partition alone never
 * returned an old leader to an election with a longer log, so the length-only rule passed every
 * chaos run (it was caught by the simulation only).
 *
 * <p>The filler ({@link Filler}) changes nothing the checker judges, whether A loses it (as it must)
 * or, had no new leader come, commits it after the heal.
 */
final class StaleLeaderReturns {
    static final int FILLER_WRITES = 200;
    private static final Duration NEW_LEADER_WAIT = Duration.ofSeconds(6);
    /** How long the new leader gets to apply {@link #NEW_ENTRIES} entries of its term. */
    private static final Duration COMMIT_WAIT = Duration.ofMillis(2_000);
    private static final int NEW_ENTRIES = 20;
    private static final Duration ELECTION_WAIT = Duration.ofSeconds(4);

    /** The faults this shape is made of, carried out (and undone at the heal) by the nemesis. */
    interface Faults {
        /** Cuts {@code node} off from every other member; returns the links it cut. */
        List<Proxy> isolate(String node) throws IOException;

        void kill(String node) throws IOException, InterruptedException;

        /** Undoes the cut of these links now, before the step's heal. */
        void heal(List<Proxy> links) throws IOException;
    }

    private final ClusterProbe probe;
    private final Faults faults;
    private final Filler filler;

    StaleLeaderReturns(Cluster cluster, ClusterProbe probe, Faults faults) {
        this.probe = probe;
        this.faults = faults;
        this.filler = new Filler(cluster);
    }

    /** Carries out the shape around {@code oldLeader}; returns what happened, for the history. */
    Map<String, Object> run(String oldLeader) throws IOException, InterruptedException {
        Map<String, Object> value = new LinkedHashMap<>();
        long oldTerm = probe.number(oldLeader, "term");
        List<Proxy> cut = faults.isolate(oldLeader);
        value.put("isolated", oldLeader);
        filler.send(oldLeader, 0, FILLER_WRITES); // appended, never committed: their answers are not awaited
        value.put("filler_writes", FILLER_WRITES);
        Optional<JsonNode> newLeader = awaitLeaderOtherThan(oldLeader, oldTerm);
        if (newLeader.isEmpty()) {
            faults.heal(cut);
            value.put("skipped", "no new leader within " + NEW_LEADER_WAIT.toSeconds() + " s; links healed, nothing killed");
            return value;
        }
        String successor = newLeader.get().path("id").asText();
        long firstApplied = newLeader.get().path("applied_index").asLong();
        long applied = awaitApplied(successor, firstApplied + NEW_ENTRIES);
        value.put("new_leader", successor);
        value.put("new_term", newLeader.get().path("term").asLong());
        value.put("new_leader_applied", applied - firstApplied);
        faults.kill(successor);
        value.put("killed", successor);
        faults.heal(cut);
        Optional<String> elected = probe.awaitLeader(ELECTION_WAIT);
        value.put("leader_after", elected.orElse(null));
        return value;
    }

    /** The health of a node other than {@code old} that leads in a term above {@code oldTerm}. */
    private Optional<JsonNode> awaitLeaderOtherThan(String old, long oldTerm) throws InterruptedException {
        long deadline = System.nanoTime() + NEW_LEADER_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<JsonNode> successor = probe.successorOf(old, oldTerm);
            if (successor.isPresent()) {
                return successor;
            }
            Thread.sleep(20);
        }
        return Optional.empty();
    }

    /** Polls the node's applied index until it reaches {@code target} or the wait ends; returns the last seen. */
    private long awaitApplied(String node, long target) throws InterruptedException {
        long deadline = System.nanoTime() + COMMIT_WAIT.toNanos();
        long applied = -1;
        while (System.nanoTime() < deadline) {
            Optional<JsonNode> h = probe.health(node);
            if (h.isPresent()) {
                applied = h.get().path("applied_index").asLong();
                if (applied >= target) {
                    break;
                }
            }
            Thread.sleep(20);
        }
        return applied;
    }
}
