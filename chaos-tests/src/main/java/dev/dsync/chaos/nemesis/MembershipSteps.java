package dev.dsync.chaos.nemesis;

import dev.dsync.chaos.cluster.Cluster;
import dev.dsync.chaos.cluster.ClusterProbe;
import dev.dsync.chaos.cluster.Configuration;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;

/**
 * The membership nemesis: nodes added, removed (the leader too) and replaced under load, through the
 * same API an operator uses. A new node is started with {@code --join} and the admin token and asks
 * to be added itself; the step waits until the leader has promoted it to voter. A removal is a
 * {@code DELETE /cluster/members/{id}} (for the leader: it hands over first, then the new leader
 * removes it), and the removed node's process is stopped once the removal has committed.
 *
 * <p>Every heal brings the cluster back to {@value #VOTERS} voters (adding a node after a removal,
 * removing a follower after an addition), so availability stays comparable with the other nemeses
 * and the next step starts from three. After every change the cluster's member list is set to the
 * configuration the leader reports: clients, the other faults and the convergence check follow it.
 */
final class MembershipSteps {
    static final int VOTERS = 3;
    /** JVM start, joining, catching up and promotion, on a loaded two-core machine. */
    static final Duration JOIN_LIMIT = Duration.ofSeconds(30);
    /** A removal rides out a leader election or a hand-over; the node answers within its request timeout. */
    private static final Duration REMOVE_LIMIT = Duration.ofSeconds(20);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final Cluster cluster;
    private final ClusterProbe probe;
    private final NemesisLog log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500))
            .version(HttpClient.Version.HTTP_1_1).build();
    /** Set by a step, cleared by the heal: only then does the heal look at the configuration. */
    private boolean changed;
    private Random healPick = new Random(0);
    private final JoinDuringCut joinDuringCut;

    MembershipSteps(Cluster cluster, ClusterProbe probe, NemesisLog log, JoinDuringCut.Links links) {
        this.cluster = cluster;
        this.probe = probe;
        this.log = log;
        this.joinDuringCut = new JoinDuringCut(cluster, this, links);
    }

    /**
     * Makes one change; returns what it did for the history: {@code added}, {@code removed}, the
     * leader after it, and the configuration after it. {@code leader} is the leader found before
     * (a random member if none answered).
     */
    Map<String, Object> start(FaultKind kind, Random pick, String leader) throws IOException, InterruptedException {
        Map<String, Object> value = new LinkedHashMap<>();
        if (!cluster.canStartNodes() || cluster.adminToken().isEmpty()) {
            value.put("skipped", "this backend cannot start nodes at run time, or the nodes have no admin token");
            return value;
        }
        changed = true;
        healPick = new Random(pick.nextLong());
        List<String> members = cluster.nodeIds();
        switch (kind) {
            case MEMBERSHIP_ADD -> value.put("added", add(pick));
            case MEMBERSHIP_ADD_DURING_CUT -> value.putAll(joinDuringCut.run(pick));
            case MEMBERSHIP_REMOVE_FOLLOWER -> value.put("removed", remove(oneOf(others(members, leader), pick)));
            case MEMBERSHIP_REMOVE_LEADER -> value.put("removed", remove(leader));
            case MEMBERSHIP_REPLACE -> {
                value.put("added", add(pick));
                value.put("removed", remove(oneOf(members, pick))); // an old member, maybe the leader
            }
            default -> throw new IllegalArgumentException(kind + " is no membership change");
        }
        Configuration after = current();
        value.put("leader_after", after.leader());
        value.put("configuration", after.describe());
        return value;
    }

    /**
     * Back to {@value #VOTERS} voters if a step changed the configuration: adds nodes or removes
     * followers. Returns what it did (empty if nothing) and records the configuration it ended with.
     */
    Optional<Map<String, Object>> heal(List<String> healed) throws IOException, InterruptedException {
        if (!changed) {
            return Optional.empty();
        }
        changed = false;
        // A learner left by a step (JoinDuringCut's) is promoted once it has caught up: count it as a voter.
        Configuration c = await("every learner promoted", JOIN_LIMIT, conf -> conf.learners().isEmpty(), () -> false);
        cluster.useMembers(c.ids()); // a step may also have removed a member (JoinDuringCut's removal, if it was carried out)
        while (c.voters().size() < VOTERS) {
            healed.add("membership: added " + add(healPick));
            c = current();
        }
        while (c.voters().size() > VOTERS) {
            healed.add("membership: removed " + remove(oneOf(others(c.voters(), c.leader()), healPick)));
            c = current();
        }
        return Optional.of(c.describe());
    }

    /** Starts a node that joins through a random member and waits until it is a voter. */
    String add(Random pick) throws IOException, InterruptedException {
        String id = cluster.startJoining(oneOf(cluster.nodeIds(), pick));
        // Clients and other faults take it up only once it is a voter: a learner counts for nothing yet.
        Configuration c = await(id + " a voter", JOIN_LIMIT, conf -> conf.isVoter(id), () -> !cluster.isRunning(id));
        cluster.useMembers(c.ids());
        return id;
    }

    /**
     * Removes {@code id}: DELETE sent to the node itself first (for a leader, that is the hand-over
     * path), then to the other members in turn, until the configuration no longer names it; then the
     * member list is updated and the node's process stopped.
     */
    private String remove(String id) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + REMOVE_LIMIT.toNanos();
        List<String> askFirst = new ArrayList<>(List.of(id));
        askFirst.addAll(others(cluster.nodeIds(), id));
        String last = "not asked";
        boolean gone = false;
        for (int attempt = 0; !gone && System.nanoTime() < deadline; attempt++) {
            String via = askFirst.get(attempt % askFirst.size());
            HttpResponse<String> answer = delete(via, id);
            int status = answer == null ? -1 : answer.statusCode();
            if (status == 200 || status == 404) {
                gone = true; // removed now, or already (an earlier attempt that timed out did commit)
            } else if (status / 100 == 4) {
                fail("removing " + id + " was refused: HTTP " + status + " " + answer.body());
            } else {
                last = answer == null ? "no answer from " + via : "HTTP " + status + " " + answer.body();
                // A 503 or 504 may still have committed: look before asking again.
                Optional<Configuration> now = probe.configuration();
                gone = now.isPresent() && !now.get().contains(id);
                if (!gone) {
                    Thread.sleep(200);
                }
            }
        }
        if (!gone) {
            fail(id + " was not removed within " + REMOVE_LIMIT.toSeconds() + " s; last answer: " + last);
        }
        Configuration c = await(id + " gone from the configuration", REMOVE_LIMIT, conf -> !conf.contains(id), () -> false);
        cluster.useMembers(c.ids());
        cluster.kill(id); // a removed node serves nothing (410); its log stays for the run's logs/
        return id;
    }

    private HttpResponse<String> delete(String via, String id) throws InterruptedException {
        try {
            URI uri = cluster.clientUrl(via).resolve("/cluster/members/" + id);
            return http.send(HttpRequest.newBuilder(uri).timeout(CALL_TIMEOUT)
                    .header("Authorization", "Bearer " + cluster.adminToken().orElseThrow()).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        }
    }

    private Configuration current() throws IOException, InterruptedException {
        return await("a configuration with a leader", REMOVE_LIMIT, conf -> true, () -> false);
    }

    /** Polls the configuration until {@code until} holds; fails the run if it does not in time or {@code givenUp}. */
    Configuration await(String what, Duration limit, Predicate<Configuration> until, java.util.function.BooleanSupplier givenUp)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        Configuration seen = null;
        while (true) {
            Optional<Configuration> c = probe.configuration();
            if (c.isPresent()) {
                seen = c.get();
                if (until.test(seen)) {
                    return seen;
                }
            }
            if (givenUp.getAsBoolean() || System.nanoTime() > deadline) {
                fail("no " + what + " within " + limit.toSeconds() + " s" + (givenUp.getAsBoolean() ? " (its process exited)" : "")
                        + "; last configuration seen: " + (seen == null ? "none" : seen.describe()));
            }
            Thread.sleep(100);
        }
    }

    /** Like a node that does not come back from a power loss, a change that cannot be made fails the run. */
    private void fail(String problem) throws IOException {
        log.record("membership-failed", Map.of("problem", problem));
        throw new IOException("membership: " + problem + "; see the nodes' logs in the run's logs/");
    }

    static List<String> others(List<String> ids, String but) {
        return ids.stream().filter(id -> !id.equals(but)).toList();
    }

    static String oneOf(List<String> ids, Random pick) {
        if (ids.isEmpty()) {
            throw new IllegalStateException("no member to choose from");
        }
        return ids.get(pick.nextInt(ids.size()));
    }

    /** "+lock-4 -lock-2" for the run's list of faults started. */
    static String summary(Map<String, Object> value) {
        if (value.containsKey("skipped")) {
            return "(skipped)";
        }
        StringBuilder s = new StringBuilder();
        if (value.get("added") != null) {
            s.append('+').append(value.get("added"));
        }
        if (value.get("removed") != null) {
            s.append(s.isEmpty() ? "" : " ").append('-').append(value.get("removed"));
        }
        return s.toString();
    }
}
