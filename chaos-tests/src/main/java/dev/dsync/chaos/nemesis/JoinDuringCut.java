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

/**
 * The membership shape {@code add-during-cut}: a node joins while no peer traffic reaches it yet, and
 * its link comes up as the leader is cut off from the other voters.
 *
 * <ol>
 *   <li>The new node D is started with {@code --join}; its inbound peer link is cut before it can ask
 *       to be added. The leader adds it as a learner (the configuration commits on the voters), but
 *       cannot send it anything: D stays a learner with nothing, so it is not promoted.</li>
 *   <li>The leader A is cut off from the other voters as {@code partition/isolate-leader} does it
 *       ({@link LaggedIsolation}): it keeps leading on late acknowledgements of its earlier rounds while
 *       the voters, who hear nothing more from it, elect a successor 300-600 ms later. Clients' writes
 *       that reach A in that time are appended there only.</li>
 *   <li>At the cut, D's link comes up, and an operator asks A to remove one of the voters it can no
 *       longer reach. A sends D its log, those writes included; D catches up and acknowledges them (its
 *       messages reach A directly when A is the first leader, whose own address is what the
 *       configuration records: see LinkWiring).</li>
 * </ol>
 * A correct leader counts no learner toward a commit: the removal cannot commit (the configuration
 * without B needs C), so D is not promoted (one change at a time), nothing appended after the cut
 * commits, and A steps down; after the heal the successor promotes D and a follower is removed. A leader
 * that counts learners with the voters commits the removal on D's acknowledgement (A and D are a
 * majority of {A, C, D learner}'s members), promotes D, and is then a leader with a majority of its own,
 * A and D, committing and answering clients until D hears the successor's term; the successor, elected
 * by B and C without those writes, never has them: acknowledged writes lost. Without the removal the
 * mutant commits only the one batch that catches D up before promoting it, and was caught at 2 of 3
 * seeds. Nothing else in the matrix has a learner holding entries the voters lack, which that bug needs.
 */
final class JoinDuringCut {
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
        if (cluster.nodeIds().stream().anyMatch(member -> cluster.sharedInbound(member).isPresent())) {
            value.put("added", steps.add(pick));
            value.put("cut", "none: a member joined at run time, and its links cannot be cut one by one");
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
        String removed = MembershipSteps.others(voters, leader).get(0);
        java.util.concurrent.atomic.AtomicReference<CompletableFuture<String>> removal = new java.util.concurrent.atomic.AtomicReference<>();
        value.putAll(links.isolateLagged(leader, voters, () -> {
            links.heal(inbound);
            removal.set(removals.send(leader, removed));
        }));
        value.put("voters", voters);
        value.put("removal_asked", removed);
        String answer = removal.get().join();
        value.put("removal_answer", answer);
        // A correct leader cut off from the voters cannot commit a configuration that needs one of them.
        value.put("removal_acknowledged", RemovalCall.acknowledged(answer));
        // D's own messages travel the first leader's links (see LinkWiring), cut if that is A: the
        // successor may promote D only at the heal, which waits for it.
        return value;
    }
}
