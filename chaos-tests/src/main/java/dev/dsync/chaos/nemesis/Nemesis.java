package dev.dsync.chaos.nemesis;

import dev.dsync.chaos.clock.ClockFaults;
import dev.dsync.chaos.cluster.Cluster;
import dev.dsync.chaos.cluster.ClusterProbe;
import dev.dsync.chaos.lazyfs.PowerLoss;
import dev.dsync.chaos.lazyfs.TornWrite;
import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.model.Toxic;
import eu.rekawek.toxiproxy.model.ToxicDirection;
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
 * Carries out faults on a cluster and undoes them. Partitions blackhole links (Toxiproxy's timeout
 * toxic with timeout 0: data silently dropped, as a DROP firewall rule would); healing removes the
 * toxics and cycles the affected proxies so no connection that lost bytes mid-stream is reused.
 *
 * <p>A power loss kills one node, a majority or all of them and drops what their data dirs held
 * unsynced (maybe tearing the last write); healing starts them, waits until they serve, then kills
 * and starts them once more: a bad repair of a torn log (say, appending after garbage) only shows
 * at the start after the repair.
 * A node that does not come back from either start fails the run.
 *
 * <p>Membership changes are made by {@link MembershipSteps}. Nodes that joined at run time have no
 * proxy of their own for their outbound peer traffic (see the cluster's LinkWiring), so a link
 * fault that would cut or slow such a link leaves it alone and says so in its event ({@code not_cut}).
 */
public final class Nemesis {
    private final Cluster cluster;
    private final ClusterProbe probe;
    private final NemesisLog log;
    private final Set<Proxy> cut = new LinkedHashSet<>();
    private final Set<String> killed = new LinkedHashSet<>();
    private final Set<String> paused = new LinkedHashSet<>();
    private final Set<String> powerLost = new LinkedHashSet<>();
    private final Set<String> secondStarts = new LinkedHashSet<>();
    private final CrashWatch crashes;
    private final MembershipSteps membership;
    private final StaleLeaderReturns staleLeader;
    private final LaggedIsolation laggedIsolation;
    private final RemoveUnreachable removeUnreachable;
    private final OldTermCommit oldTermCommit;
    private final HolderCutOff holderCutOff;
    private final SplitVote splitVote;
    /** Links a step's cut could not reach, as "from->to", for its history event. */
    private final List<String> notCut = new ArrayList<>();
    private volatile String current = "none";
    /** Every fault started, as "family/shape target", for the run's summary. */
    private final List<String> started = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Answers to the nemesis's own requests that no correct server can give; each fails the run. */
    private final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
    /** How long a leader-targeted fault waits for a leader to exist (after a heal one may be electing). */
    private static final Duration LEADER_WAIT = Duration.ofSeconds(3);
    /** How long a node restarted after a power loss may take to serve: JVM start plus log recovery, on a loaded machine. */
    private static final Duration NODE_START_LIMIT = Duration.ofSeconds(20);

    public Nemesis(Cluster cluster, ClusterProbe probe, NemesisLog log) {
        this.cluster = cluster;
        this.probe = probe;
        this.log = log;
        this.crashes = new CrashWatch(cluster, log);
        this.membership = new MembershipSteps(cluster, probe, log, new JoinDuringCut.Links() {
            @Override
            public Map<String, Object> isolateLagged(String leader, List<String> voters, LaggedIsolation.AtCut atCut)
                    throws IOException, InterruptedException {
                return laggedIsolation.run(leader, voters, atCut);
            }

            @Override
            public void cut(Proxy link) throws IOException {
                cutLink(link);
            }

            @Override
            public void heal(Proxy link) throws IOException {
                healLink(link);
            }
        });
        this.staleLeader = new StaleLeaderReturns(cluster, probe, new StaleLeaderReturns.Faults() {
            @Override
            public List<Proxy> isolate(String node) throws IOException {
                Set<Proxy> before = Set.copyOf(cut);
                Nemesis.this.isolate(node, cluster.nodeIds());
                return cut.stream().filter(p -> !before.contains(p)).toList();
            }

            @Override
            public void kill(String node) throws IOException, InterruptedException {
                Nemesis.this.kill(node);
            }

            @Override
            public void heal(List<Proxy> links) throws IOException {
                for (Proxy p : links) {
                    healLink(p);
                }
            }
        });
        this.laggedIsolation = new LaggedIsolation(cluster, probe, new LaggedIsolation.Cuts() {
            @Override
            public void cut(String from, String to) throws IOException {
                Nemesis.this.cut(from, to);
            }

            @Override
            public void cutLink(Proxy link) throws IOException {
                Nemesis.this.cutLink(link);
            }
        });
        this.removeUnreachable = new RemoveUnreachable(cluster, node -> isolate(node, cluster.nodeIds()));
        this.holderCutOff = new HolderCutOff(cluster, node -> isolate(node, cluster.nodeIds()));
        this.splitVote = new SplitVote(probe, new SplitVote.Faults() {
            @Override
            public void cut(String from, String to) throws IOException {
                Nemesis.this.cut(from, to);
            }

            @Override
            public void delay(String from, String to, int ms) throws IOException {
                Nemesis.this.delay(from, to, ms);
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
        this.oldTermCommit = new OldTermCommit(cluster, probe, new OldTermCommit.Links() {
            @Override
            public void cut(String from, String to) throws IOException {
                Nemesis.this.cut(from, to);
            }

            @Override
            public void heal(String from, String to) throws IOException {
                healLink(cluster.link(from, to));
            }

            @Override
            public void delay(String from, String to, int ms) throws IOException {
                Nemesis.this.delay(from, to, ms);
            }
        });
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
        checkSecondStarts();
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
        notCut.clear();
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
                    value.put("isolated", isolate(isolated, ids));
                }
            }
            case PARTITION_REMOVE_UNREACHABLE -> value.putAll(removeUnreachable.run(leader, ids));
            case PARTITION_OLD_TERM_COMMIT -> value.putAll(oldTermCommit.run(leader, ids));
            case PARTITION_RANDOM_HALVES -> value.put("isolated", isolate(ids.get(pick.nextInt(ids.size())), ids));
            case PARTITION_MAJORITIES_RING, PARTITION_BRIDGE -> {
                java.util.Collections.shuffle(ids, pick);
                cutBothWays(ids.get(0), ids.get(2));
                value.put("cut", List.of(ids.get(0), ids.get(2)));
                value.put("bridge", ids.get(1));
            }
            case PARTITION_ONE_WAY -> {
                java.util.Collections.shuffle(ids, pick);
                cut(ids.get(0), ids.get(1));
                value.put("from", ids.get(0));
                value.put("to", ids.get(1));
            }
            case LATENCY_ALL -> value.putAll(slow(null, 50 + pick.nextInt(150)));
            case LATENCY_SOME -> value.putAll(slow(ids.get(pick.nextInt(ids.size())), 50 + pick.nextInt(150)));
            // 140-190 ms per round trip: grants, appends and reports all arrive late, yet most lease
            // renewals (200 ms timeout) still succeed, so nodes keep serving hits on late grants.
            case LATENCY_LEADER -> value.putAll(slow(leader, 140 + pick.nextInt(50)));
            case LATENCY_ANSWERS_LATE -> {
                List<String> followers = new ArrayList<>(ids);
                followers.remove(leader);
                String follower = followers.get(pick.nextInt(followers.size()));
                int lateMs = 120 + pick.nextInt(41); // under the 200 ms a lease renewal waits for its grant
                delayAnswers(follower, leader, lateMs);
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
            case POWER_ONE -> value.putAll(powerLoss(List.of(ids.get(pick.nextInt(ids.size()))), pick));
            case POWER_LEADER -> value.putAll(powerLoss(List.of(leader), pick));
            case POWER_MAJORITY -> {
                ids.remove(leader);
                value.putAll(powerLoss(List.of(leader, ids.get(pick.nextInt(ids.size()))), pick));
            }
            case POWER_ALL -> value.putAll(powerLoss(ids, pick));
            case POWER_AFTER_ROTATION -> value.putAll(new AfterRotation(cluster).run(ids, nodes -> powerLoss(nodes, pick)));
            case MEMBERSHIP_ADD, MEMBERSHIP_ADD_DURING_CUT, MEMBERSHIP_REMOVE_FOLLOWER, MEMBERSHIP_REMOVE_LEADER, MEMBERSHIP_REPLACE ->
                    value.putAll(membership.start(step.kind(), pick, leader));
        }
        if (!notCut.isEmpty()) {
            value.put("not_cut", List.copyOf(notCut));
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

    /**
     * Cuts a node off from every other member. A joined node's inbound proxy is shared by all senders,
     * so here, where all of them are cut, it is cut whole; its outbound traffic has no proxy (noted).
     */
    private List<String> isolate(String node, List<String> ids) throws IOException {
        Optional<Proxy> inbound = cluster.sharedInbound(node);
        if (inbound.isPresent()) {
            cutLink(inbound.get());
        }
        for (String other : ids) {
            if (!other.equals(node)) {
                cut(node, other);
                if (inbound.isEmpty()) {
                    cut(other, node);
                }
            }
        }
        return List.of(node);
    }

    private void cutBothWays(String a, String b) throws IOException {
        cut(a, b);
        cut(b, a);
    }

    /** Cuts the link's proxy; one a joined node has none of its own for is noted instead. */
    private void cut(String from, String to) throws IOException {
        if (cluster.hasLink(from, to)) {
            cutLink(cluster.link(from, to));
        } else {
            notCut.add(from + "->" + to);
        }
    }

    private void cutLink(Proxy link) throws IOException {
        if (cut.add(link)) {
            link.toxics().timeout("cut-up", ToxicDirection.UPSTREAM, 0);
            link.toxics().timeout("cut-down", ToxicDirection.DOWNSTREAM, 0);
        }
    }

    /**
     * Adds {@code latency} ms per round trip (half each way, with jitter) to the peer links around a
     * node, or all of them: links between current members only (a removed node's proxies carry
     * nothing). A joined member's inbound proxy carries every member's traffic to it, the node's
     * around too, so it is slowed with the links around any node.
     */
    private Map<String, Object> slow(String around, long latency) throws IOException {
        long jitter = latency / 2;
        List<String> members = cluster.nodeIds();
        List<Proxy> links = new ArrayList<>();
        for (Proxy p : cluster.peerLinks()) {
            String[] ends = endpoints(cluster.service(), p.getName());
            boolean shared = cluster.sharedInbound(ends[1]).map(Proxy::getName).filter(p.getName()::equals).isPresent();
            boolean live = members.contains(ends[1]) && (members.contains(ends[0]) || shared);
            if (live && (around == null || shared || ends[0].equals(around) || ends[1].equals(around))) {
                links.add(p);
            }
        }
        for (Proxy p : links) {
            p.toxics().latency("latency-up", ToxicDirection.UPSTREAM, latency / 2).setJitter(jitter / 2);
            p.toxics().latency("latency-down", ToxicDirection.DOWNSTREAM, latency / 2).setJitter(jitter / 2);
        }
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("latency_ms", latency);
        value.put("jitter_ms", jitter);
        value.put("links", links.stream().map(Proxy::getName).toList());
        return value;
    }

    /**
     * A proxy's sender and receiver, from its name {@code <service>_<from>_to_<to>} (endpoints, not a
     * substring match: lock-1 must not match lock-10's links).
     */
    static String[] endpoints(String service, String proxyName) {
        String rest = proxyName.substring(service.length() + 1);
        int at = rest.indexOf("_to_");
        return new String[] {rest.substring(0, at), rest.substring(at + "_to_".length())};
    }

    private String kill(String node) throws IOException, InterruptedException {
        cluster.kill(node);
        killed.add(node);
        return node;
    }

    /**
     * Kills {@code nodes}, then drops what each one's data dir held unsynced. With several nodes this
     * is a shared power failure: Raft keeps acknowledged data through it only if every node fsyncs
     * before it answers.
     */
    private Map<String, Object> powerLoss(List<String> nodes, Random pick) throws IOException, InterruptedException {
        TornWrite tear = TornWrite.values()[pick.nextInt(TornWrite.values().length)];
        for (String node : nodes) {
            cluster.kill(node);
            powerLost.add(node);
        }
        Map<String, Object> lost = new LinkedHashMap<>();
        for (String node : nodes) {
            PowerLoss loss = cluster.powerLoss(node, tear, pick);
            Map<String, Object> what = new LinkedHashMap<>();
            what.put("files_lost_writes", loss.filesWithUnsyncedData());
            what.put("dirs_lost_entries", loss.directoriesWithUnsyncedEntries());
            if (loss.tornFile() != null) {
                what.put("torn_file", loss.tornFile());
                what.put("torn_kept_bytes", loss.tornKeptBytes() + " of " + loss.tornWriteBytes());
            }
            lost.put(node, what);
        }
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("nodes", nodes);
        value.put("tear", tear.name().toLowerCase());
        value.put("lost", lost);
        return value;
    }

    /**
     * Starts power-lost nodes and waits until they serve, then kills them and starts them again;
     * whether that second start serves is checked later ({@link #checkSecondStarts}), so the heal
     * does not wait for two JVM starts.
     */
    private void restartTwice(List<String> nodes) throws IOException, InterruptedException {
        for (String node : nodes) {
            cluster.restart(node);
        }
        for (String node : nodes) {
            awaitServing(node, "first");
        }
        for (String node : nodes) {
            cluster.kill(node);
            cluster.restart(node);
            secondStarts.add(node);
        }
    }

    /** Fails the run if a node's second start after a power loss does not serve. */
    private void checkSecondStarts() throws IOException, InterruptedException {
        for (String node : List.copyOf(secondStarts)) {
            secondStarts.remove(node);
            awaitServing(node, "second");
        }
    }

    private void awaitServing(String node, String which) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + NODE_START_LIMIT.toNanos();
        while (probe.health(node).isEmpty()) {
            if (!cluster.isRunning(node) || System.nanoTime() > deadline) {
                String why = cluster.isRunning(node) ? "does not answer /health" : "exited";
                log.record("power-restart-failed", Map.of("node", node, "start", which, "problem", why));
                throw new IOException(node + " " + why + " after the " + which + " start since its power loss;"
                        + " see its log in the run's logs/ and its data in durable/" + node);
            }
            Thread.sleep(50);
        }
    }

    /** Delays what {@code from} sends {@code to} by {@code ms}; a joined node's shared links are left undelayed. */
    private void delay(String from, String to, int ms) throws IOException {
        if (cluster.hasLink(from, to)) {
            cluster.link(from, to).toxics().latency("delay", ToxicDirection.UPSTREAM, ms);
        }
    }

    /** Whether a cache run's shape can play its part with a copy at a cut-off node ({@link HolderCutOff}): it needs the leader. */
    private boolean cachePlays(Optional<String> leader) {
        return cluster.service().equals("cache") && leader.isPresent();
    }

    /** Delays the answers {@code from} gets to its requests to {@code to}: its own messages go on time. */
    private void delayAnswers(String from, String to, int ms) throws IOException {
        if (cluster.hasLink(from, to)) {
            cluster.link(from, to).toxics().latency("answers-late", ToxicDirection.DOWNSTREAM, ms);
        } else {
            notCut.add(from + "->" + to);
        }
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

    /**
     * Takes every toxic off the link, and cycles it if it was cut (no connection that lost bytes
     * mid-stream is reused); returns whether it had any toxic.
     */
    private boolean healLink(Proxy p) throws IOException {
        List<? extends Toxic> toxics = p.toxics().getAll();
        for (Toxic t : toxics) {
            try {
                t.remove();
            } catch (java.io.FileNotFoundException alreadyGone) {
                // A scripted workload took its own toxic off between the listing and this removal: healed either way.
            }
        }
        if (cut.remove(p)) {
            p.disable();
            p.enable();
        }
        return !toxics.isEmpty();
    }

    /** Undoes every fault in force; safe to call at any time and more than once. */
    public void healAll() throws IOException, InterruptedException {
        violations.addAll(crashes.newExits());
        List<String> healed = new ArrayList<>();
        for (Proxy p : cluster.allLinks()) {
            if (healLink(p)) {
                healed.add(p.getName());
            }
        }
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
        checkSecondStarts();
        if (!powerLost.isEmpty()) {
            List<String> nodes = List.copyOf(powerLost);
            powerLost.clear(); // first: a failed restart must not be retried by the next healAll
            restartTwice(nodes);
            healed.add("restarted " + nodes + " twice after their power loss");
        }
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
