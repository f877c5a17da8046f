package dev.dsync.chaos.nemesis;

import dev.dsync.chaos.cluster.Cluster;
import dev.dsync.chaos.cluster.Configuration;
import eu.rekawek.toxiproxy.Proxy;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The membership shape {@code add-during-cut}: a node joins while no peer traffic reaches it yet, and
 * its link comes up as the leader is cut off from the other voters, which stall for a moment.
 *
 * <ol>
 *   <li>The new node D is started with {@code --join}; its inbound peer link is cut before it can ask
 *       to be added. The leader adds it as a learner (the configuration commits on the voters), but
 *       cannot send it anything: D stays a learner with nothing, so it is not promoted.</li>
 *   <li>The leader A is cut off from the other voters as {@code partition/isolate-leader} does it
 *       ({@link LaggedIsolation}): it keeps leading on late acknowledgements of its earlier rounds.
 *       Clients' writes that reach A from then on are appended there only.</li>
 *   <li>At the cut, D's link comes up, the other voters are paused (SIGSTOP) for
 *       {@value #VOTERS_PAUSE_MS} ms, and an operator asks A to remove one of them (it looks down). D
 *       needs 0.3-0.5 s to catch up (A resends what the cut lost only after an election timeout, then a
 *       snapshot); without the pause the voters would elect a successor about as soon, whose term
 *       reaches D and through D's answers ends A's leadership. After the pause they elect one at once,
 *       as they hear nothing from A. D's messages reach A directly when A is the first leader, whose
 *       own address is what the configuration records (see LinkWiring); this shape is the first of a
 *       membership run, so A usually is.</li>
 * </ol>
 * A correct leader counts no learner toward a commit: the removal cannot commit (the configuration
 * without B needs C), nothing appended after the cut commits, D is not promoted while the removal is
 * in progress, A steps down, and after the heal the successor promotes D and a follower is removed;
 * the removal is answered 503/504 (sent as {@link RemovalCall} sends it, awaited before the heal). A
 * leader that counts learners with the voters commits the removal and what came after the cut once D
 * has caught up (A and D are most of the members of {A, C; D learner}), promotes D, and is then a
 * leader with a majority of its own, A and D, committing and answering clients until the successor's
 * term reaches D; the successor, elected by the two voters without those writes, never has them:
 * acknowledged writes lost, lock grants given twice. Without the removal it commits only the batch
 * that catches D up, then promotes D and cannot commit more: too little for the checkers to see at
 * most seeds (measured). Nothing else in the matrix has a learner holding entries the voters lack,
 * which that bug needs.
 */
final class JoinDuringCut {
    static final long VOTERS_PAUSE_MS = 1_000;

    /** The link faults this shape is made of, carried out (and undone at the heal) by the nemesis. */
    interface Links {
        /** {@link LaggedIsolation#run} on the nemesis's links: {@code atCut} runs when the links out of {@code leader} are cut. */
        Map<String, Object> isolateLagged(String leader, List<String> voters, LaggedIsolation.AtCut atCut)
                throws IOException, InterruptedException;

        void cut(Proxy link) throws IOException;

        void heal(Proxy link) throws IOException;
    }

    private final Cluster cluster;
    private final MembershipSteps steps;
    private final Links links;
    private final RemovalCall removals;

    JoinDuringCut(Cluster cluster, MembershipSteps steps, Links links) {
        this.cluster = cluster;
        this.steps = steps;
        this.links = links;
        this.removals = new RemovalCall(cluster);
    }

    /**
     * Adds a node as above through a member {@code pick} chooses; returns what it did for the step's event.
     * With a member that joined at run time the leader cannot be cut off link by link (a joined node's
     * outbound traffic has no proxy of its own): then the node is added plainly, and the event says so.
     * Membership runs make this change first, while the members are the founders.
     */
    Map<String, Object> run(Random pick) throws IOException, InterruptedException {
        Map<String, Object> value = new LinkedHashMap<>();
        if (cluster.nodeIds().size() < 3 || cluster.anyMemberJoinedAtRunTime()) {
            value.put("added", steps.add(pick));
            value.put("cut", "none: a member joined at run time (its links cannot be cut one by one), or fewer than three members");
            return value;
        }
        String id = cluster.startJoining(MembershipSteps.oneOf(cluster.nodeIds(), pick));
        // The JVM takes far longer to start than this cut, so no append reaches it before.
        Proxy inbound = cluster.sharedInbound(id).orElseThrow(() -> new IllegalStateException(id + " has no inbound proxy"));
        links.cut(inbound);
        value.put("added", id);
        Configuration learner = steps.await(id + " a learner", MembershipSteps.JOIN_LIMIT,
                conf -> conf.contains(id) && conf.leader() != null, () -> !cluster.isRunning(id));
        if (learner.isVoter(id)) {
            value.put("not_a_learner", "promoted before its link came up: the cut did not hold");
            return value;
        }
        String leader = learner.leader();
        List<String> voters = learner.voters();
        value.put("leader", leader);
        List<String> others = MembershipSteps.others(voters, leader);
        List<String> paused = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicReference<CompletableFuture<RemovalCall.Answer>> removal = new AtomicReference<>();
        try {
            value.putAll(links.isolateLagged(leader, voters, () -> {
                for (String voter : others) {
                    cluster.pause(voter);
                    paused.add(voter);
                }
                Thread.startVirtualThread(() -> resumeLater(paused));
                links.heal(inbound);
                removal.set(removals.send(leader, others.get(0)));
            }));
        } finally {
            resume(paused); // at once if the lagged isolation failed; else the pause is long over
        }
        value.put("voters", voters);
        value.put("paused", others);
        value.put("paused_ms", VOTERS_PAUSE_MS);
        value.put("removal_asked", others.get(0));
        RemovalCall.Answer answer = removal.get() == null ? null : removal.get().join();
        value.put("removal_answer", answer == null ? "not sent" : answer.toString());
        // Committing it takes an acknowledgement from the voter left, paused and cut off from A. A 200
        // could come from a successor only once A knows it (and passes the removal on): its messages
        // reach A at the earliest a pause plus a lag after the cut, later than A's own answer comes.
        if (answer != null && answer.acknowledged() && answer.ms() < VOTERS_PAUSE_MS + LaggedIsolation.LAG_MS) {
            value.put("violation", leader + ", cut off from the other voters, acknowledged removing " + others.get(0)
                    + " " + answer.ms() + " ms after it was asked: the configuration without it needs " + others.get(1));
        }
        // D's own messages travel the first leader's links (see LinkWiring), cut if that is A: the
        // successor may promote D only at the heal, which waits for it.
        return value;
    }

    private void resumeLater(List<String> paused) {
        try {
            Thread.sleep(VOTERS_PAUSE_MS);
            resume(paused);
        } catch (InterruptedException | IOException e) {
            // The step's own resume (after the lagged isolation) catches up with these.
        }
    }

    /** Resumes what is still paused; safe from two threads, each node resumed once. */
    private void resume(List<String> paused) throws IOException, InterruptedException {
        for (String node : paused) {
            if (paused.remove(node)) {
                cluster.resume(node);
            }
        }
    }
}
