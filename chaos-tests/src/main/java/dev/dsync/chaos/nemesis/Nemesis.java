package dev.dsync.chaos.nemesis;

import dev.dsync.chaos.clock.ClockFaults;
import dev.dsync.chaos.cluster.Cluster;
import dev.dsync.chaos.cluster.ClusterProbe;
import eu.rekawek.toxiproxy.Proxy;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Carries out a schedule's faults on a cluster and undoes them. Link faults are {@link LinkFaults},
 * power losses {@link PowerFaults}, membership changes {@link MembershipSteps}; the shapes that
 * script several faults and check what the cluster answers meanwhile each have a class of their own
 * ({@link HolderCutOff}, {@link OldTermCommit}, ...). Here: killing, pausing and restarting processes,
 * clock faults, which fault a step starts, and the heal that undoes all of them.
 */
public final class Nemesis {
    private final Cluster cluster;
    private final ClusterProbe probe;
    private final NemesisLog log;
    private final LinkFaults links;
    private final PowerFaults power;
    private final Set<String> killed = new LinkedHashSet<>();
    private final Set<String> paused = new LinkedHashSet<>();
    private final CrashWatch crashes;
    private final MembershipSteps membership;
    private final StaleLeaderReturns staleLeader;
    private final LaggedIsolation laggedIsolation;
    private final RemoveUnreachable removeUnreachable;
    private final OldTermCommit oldTermCommit;
    private final HolderCutOff holderCutOff;
    private final SplitVote splitVote;
    private volatile String current = "none";
    /** Every fault started, as "family/shape target", for the run's summary. */
    private final List<String> started = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Answers to the nemesis's own requests that no correct server can give; each fails the run. */
    private final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
    /** How long a leader-targeted fault waits for a leader to exist (after a heal one may be electing). */
    private static final Duration LEADER_WAIT = Duration.ofSeconds(3);

    public Nemesis(Cluster cluster, ClusterProbe probe, NemesisLog log) {
        this.cluster = cluster;
        this.probe = probe;
        this.log = log;
        this.crashes = new CrashWatch(cluster, log);
        this.links = new LinkFaults(cluster);
        this.power = new PowerFaults(cluster, probe, log);
        this.membership = new MembershipSteps(cluster, probe, log, new JoinDuringCut.Links() {
            @Override
            public Map<String, Object> isolateLagged(String leader, List<String> voters, LaggedIsolation.AtCut atCut)
                    throws IOException, InterruptedException {
                return laggedIsolation.run(leader, voters, atCut);
            }

            @Override
            public void cut(Proxy link) throws IOException {
                links.cutLink(link);
            }

            @Override
            public void heal(Proxy link) throws IOException {
                links.heal(link);
            }
        });
        this.staleLeader = new StaleLeaderReturns(cluster, probe, new StaleLeaderReturns.Faults() {
            @Override
            public List<Proxy> isolate(String node) throws IOException {
                return links.isolate(node);
            }

            @Override
            public void kill(String node) throws IOException, InterruptedException {
                Nemesis.this.kill(node);
            }

            @Override
            public void heal(List<Proxy> cutLinks) throws IOException {
                for (Proxy p : cutLinks) {
                    links.heal(p);
                }
            }
        });
        this.laggedIsolation = new LaggedIsolation(cluster, probe, links);
        this.removeUnreachable = new RemoveUnreachable(cluster, links::isolate);
        this.holderCutOff = new HolderCutOff(cluster, this::isolate);
        this.splitVote = new SplitVote(probe, new SplitVote.Faults() {
            @Override
            public void cut(String from, String to) throws IOException {
                links.cut(from, to);
            }

            @Override
            public void delay(String from, String to, int ms) throws IOException {
                links.delay(from, to, ms);
            }

            @Override
            public void pause(String node) throws IOException, InterruptedException {
                Nemesis.this.pause(node);
            }

            @Override
            public void resume(String node) throws IOException, InterruptedException {
                Nemesis.this.resume(node);
            }
        });
        this.oldTermCommit = new OldTermCommit(cluster, probe, links);
    }

    /** What is broken right now, for the progress line. */
    public String current() {
        return current;
    }

    /**
     * What a step saw a server answer to the nemesis's own requests that a correct one never answers,
     * as "family/shape: what": an operator's removal acknowledged by a leader cut off from every voter
     * the new configuration needs ({@link RemoveUnreachable}, {@link JoinDuringCut}). A step reports one
     * under the key {@code violation} of its event.
     */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    /** Every fault started so far, e.g. "kill/leader lock-2", in order. */
    public List<String> started() {
        return List.copyOf(started);
    }

    /** Whether a node exited on its own so far ({@link CrashWatch}): the verdict is decided, and faults aimed at it would fail. */
    public boolean anyCrashed() throws IOException {
        violations.addAll(crashes.newExits());
        return !crashes.crashed().isEmpty();
    }

    public void start(Schedule.Step step) throws IOException, InterruptedException {
        power.checkSecondStarts();
        Random pick = new Random(step.pick());
        List<String> ids = new ArrayList<>(cluster.nodeIds());
        String fallback = ids.get(pick.nextInt(ids.size()));
        boolean targetsLeader = Schedule.LEADER_SHAPES.contains(step.kind()) || step.kind() == FaultKind.KILL_STALE_LOG
                || step.kind() == FaultKind.KILL_HANDOVER_LATE || step.kind() == FaultKind.PARTITION_REMOVE_UNREACHABLE
                || step.kind() == FaultKind.PARTITION_OLD_TERM_COMMIT || step.kind() == FaultKind.PAUSE_SPLIT_VOTE;
        // The leader is the node whose /health says role 2 (highest term); a fault aimed at it
        // waits for one, and says so in the history if none could be found.
        boolean membershipStep = step.kind().family.equals("membership");
        boolean needsLeader = targetsLeader || step.kind() == FaultKind.PARTITION_ISOLATE_FOLLOWER
                || step.kind() == FaultKind.LATENCY_ANSWERS_LATE || membershipStep;
        links.startStep();
        java.util.Optional<String> found = needsLeader ? probe.awaitLeader(LEADER_WAIT) : probe.leader();
        String leader = found.orElse(fallback);
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("shape", step.kind().shape);
        if (needsLeader) {
            value.put("leader", found.orElse(null));
        }
        value.put("duration_ms", step.durationMs());
        switch (step.kind()) {
            case PARTITION_ISOLATE_LEADER -> value.putAll(laggedIsolation.run(leader, ids));
            case PARTITION_ISOLATE_FOLLOWER -> {
                List<String> followers = new ArrayList<>(ids);
                followers.remove(leader);
                String isolated = followers.remove(pick.nextInt(followers.size()));
                if (cachePlays(found) && !followers.isEmpty()) {
                    value.putAll(holderCutOff.run(isolated, followers.get(0), leader));
                } else {
                    value.put("isolated", isolate(isolated));
                }
            }
            case PARTITION_REMOVE_UNREACHABLE -> value.putAll(removeUnreachable.run(leader, ids));
            case PARTITION_OLD_TERM_COMMIT -> value.putAll(oldTermCommit.run(leader, ids));
            case PARTITION_RANDOM_HALVES -> value.put("isolated", isolate(ids.get(pick.nextInt(ids.size()))));
            case PARTITION_MAJORITIES_RING, PARTITION_BRIDGE -> {
                java.util.Collections.shuffle(ids, pick);
                links.cutBothWays(ids.get(0), ids.get(2));
                value.put("cut", List.of(ids.get(0), ids.get(2)));
                value.put("bridge", ids.get(1));
            }
            case PARTITION_ONE_WAY -> {
                java.util.Collections.shuffle(ids, pick);
                links.cut(ids.get(0), ids.get(1));
                value.put("from", ids.get(0));
                value.put("to", ids.get(1));
            }
            case LATENCY_ALL -> value.putAll(links.slow(null, 50 + pick.nextInt(150)));
            case LATENCY_SOME -> value.putAll(links.slow(ids.get(pick.nextInt(ids.size())), 50 + pick.nextInt(150)));
            // 140-190 ms per round trip: grants, appends and reports all arrive late, yet most lease
            // renewals (200 ms timeout) still succeed, so nodes keep serving hits on late grants.
            case LATENCY_LEADER -> value.putAll(links.slow(leader, 140 + pick.nextInt(50)));
            case LATENCY_ANSWERS_LATE -> {
                List<String> followers = new ArrayList<>(ids);
                followers.remove(leader);
                String follower = followers.get(pick.nextInt(followers.size()));
                int lateMs = 120 + pick.nextInt(41); // under the 200 ms a lease renewal waits for its grant
                links.delayAnswers(follower, leader, lateMs);
                value.put("answers_late", follower + " <- " + leader);
                value.put("late_ms", lateMs);
                if (cachePlays(found)) {
                    value.putAll(holderCutOff.run(follower, leader, leader)); // the leader writes
                }
            }
            case KILL_ONE -> value.put("killed", kill(ids.get(pick.nextInt(ids.size()))));
            case KILL_LEADER -> value.put("killed", kill(leader));
            case KILL_STALE_LOG -> value.putAll(staleLeader.run(leader));
            case KILL_HANDOVER_LATE -> value.putAll(new HandoverHeardLate(cluster, probe).run(leader, ids, killed::add));
            case KILL_MINORITY -> {
                ids.remove(leader);
                value.put("killed", kill(ids.get(pick.nextInt(ids.size()))));
            }
            case PAUSE_ONE -> value.put("paused", pause(ids.get(pick.nextInt(ids.size()))));
            case PAUSE_LEADER -> value.put("paused", pause(leader));
            case PAUSE_SPLIT_VOTE -> value.putAll(splitVote.run(leader, ids));
            case ROLLING_RESTART -> value.put("restarted", rollingRestart(ids));
            case CLOCK_DRIFT, CLOCK_SKEW_RESTART -> value.putAll(clockFault(step.kind(), pick, ids, leader));
            case POWER_ONE -> value.putAll(power.lose(List.of(ids.get(pick.nextInt(ids.size()))), pick));
            case POWER_LEADER -> value.putAll(power.lose(List.of(leader), pick));
            case POWER_MAJORITY -> {
                ids.remove(leader);
                value.putAll(power.lose(List.of(leader, ids.get(pick.nextInt(ids.size()))), pick));
            }
            case POWER_ALL -> value.putAll(power.lose(ids, pick));
            case POWER_AFTER_ROTATION -> value.putAll(new AfterRotation(cluster).run(ids, nodes -> power.lose(nodes, pick)));
            case MEMBERSHIP_ADD, MEMBERSHIP_ADD_DURING_CUT, MEMBERSHIP_REMOVE_FOLLOWER, MEMBERSHIP_REMOVE_LEADER, MEMBERSHIP_REPLACE ->
                    value.putAll(membership.start(step.kind(), pick, leader));
        }
        if (!links.notCut().isEmpty()) {
            value.put("not_cut", links.notCut());
        }
        if (value.get("violation") != null) {
            violations.add(step.kind().family + "/" + step.kind().shape + ": " + value.get("violation"));
        }
        current = step.kind().family + " " + value;
        String target = membershipStep ? " " + MembershipSteps.summary(value)
                : targetsLeader ? " " + found.orElse("(no leader found)") : "";
        started.add(step.kind().family + "/" + step.kind().shape + target);
        log.record(step.kind().family, value);
    }

    /**
     * Clock faults need nodes launched under libfaketime ({@link Cluster#clocks()}); on a backend
     * without (Docker) the step is recorded as skipped, so a {@code mixed} schedule still runs.
     */
    private Map<String, Object> clockFault(FaultKind kind, Random pick, List<String> ids, String leader)
            throws IOException, InterruptedException {
        Map<String, Object> value = new LinkedHashMap<>();
        if (cluster.clocks().isEmpty()) {
            value.put("skipped", "this backend has no fake clocks");
            return value;
        }
        ClockFaults clocks = new ClockFaults(cluster.clocks().get());
        if (kind == FaultKind.CLOCK_DRIFT) {
            value.putAll(clocks.drift(pick, ids));
        } else {
            value.put("offset_ms", clocks.stepForRestart(leader, pick));
            value.put("killed", kill(leader)); // back at the heal, with the stepped clock
        }
        value.put("clocks", clocks.describe());
        return value;
    }

    /** Cuts {@code node} off from every other member ({@link LinkFaults#isolate}); returns who was isolated, for the event. */
    private List<String> isolate(String node) throws IOException {
        links.isolate(node);
        return List.of(node);
    }

    private String kill(String node) throws IOException, InterruptedException {
        cluster.kill(node);
        killed.add(node);
        return node;
    }

    /** Whether a cache run's shape can play its part with a copy at a cut-off node ({@link HolderCutOff}): it needs the leader. */
    private boolean cachePlays(Optional<String> leader) {
        return cluster.service().equals("cache") && leader.isPresent();
    }

    private void resume(String node) throws IOException, InterruptedException {
        cluster.resume(node);
        paused.remove(node);
    }

    private String pause(String node) throws IOException, InterruptedException {
        cluster.pause(node);
        paused.add(node);
        return node;
    }

    private List<String> rollingRestart(List<String> ids) throws IOException, InterruptedException {
        for (String id : ids) {
            cluster.kill(id);
            Thread.sleep(200);
            cluster.restart(id);
            probe.awaitLeader(Duration.ofSeconds(5));
        }
        return ids;
    }

    /** Undoes every fault in force; safe to call at any time and more than once. */
    public void healAll() throws IOException, InterruptedException {
        violations.addAll(crashes.newExits());
        List<String> healed = new ArrayList<>(links.healAll());
        for (String node : List.copyOf(paused)) {
            resume(node);
            healed.add("resumed " + node);
        }
        if (cluster.clocks().isPresent()) {
            healed.addAll(new ClockFaults(cluster.clocks().get()).heal());
        }
        for (String node : List.copyOf(killed)) {
            cluster.restart(node);
            killed.remove(node);
            healed.add("restarted " + node);
        }
        for (String node : crashes.crashed()) {
            if (!cluster.isRunning(node) && cluster.nodeIds().contains(node)) {
                cluster.restart(node); // so that the run can still finish and show what else went wrong
                healed.add("restarted " + node + " after it exited on its own");
            }
        }
        power.heal(healed);
        // Last: a membership heal starts nodes and needs every other fault undone to make progress.
        Optional<Map<String, Object>> configuration = membership.heal(healed);
        if (!current.equals("none") || !healed.isEmpty()) {
            Map<String, Object> value = new LinkedHashMap<>();
            value.put("healed", healed);
            configuration.ifPresent(c -> value.put("configuration", c));
            log.record("heal", value);
        }
        current = "none";
    }
}
