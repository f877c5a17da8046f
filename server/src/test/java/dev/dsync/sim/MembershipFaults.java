package dev.dsync.sim;

import dev.dsync.raft.Membership;
import dev.dsync.raft.RaftCore;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The membership nemesis, in a third of the seeds: during the fault phase, the leader is asked to
 * add a spare node (which joined with no configuration and waits), to remove a member (a follower,
 * a learner, or the leader itself, which hands over first), and removed nodes are sometimes
 * stopped, as an operator scaling a cluster would, all interleaved with every other fault.
 *
 * <p>Its decisions come from their own {@link Random}, so that a seed without membership changes
 * runs exactly as it did before they existed.
 */
final class MembershipFaults {
    /** At least this many voters stay, so the run keeps tolerating a crash. */
    private static final int MIN_VOTERS = 2;
    private final Simulation sim;
    private final Random random;
    long requested;

    MembershipFaults(Simulation sim, Random random) {
        this.sim = sim;
        this.random = random;
    }

    void begin() {
        sim.schedule(100 + random.nextInt(400), new Runnable() {
            @Override
            public void run() {
                if (sim.faultPhase) {
                    strike();
                    sim.schedule(100 + random.nextInt(600), this);
                }
            }
        });
    }

    private void strike() {
        SimNode leader = sim.leader();
        if (leader == null) {
            return;
        }
        Membership m = leader.core.membership();
        List<String> outside = new ArrayList<>();
        for (SimNode n : sim.nodes) {
            if (!m.contains(n.id)) {
                outside.add(n.id);
            }
        }
        int kind = random.nextInt(100);
        if (kind < 45 && !outside.isEmpty()) {
            String joiner = outside.get(random.nextInt(outside.size()));
            SimNode node = sim.node(joiner);
            if (!node.up()) {
                sim.start(node);
            }
            change(leader, "add " + joiner, core -> core.addLearner(joiner, "sim://" + joiner));
        } else if (kind < 85) {
            List<String> removable = new ArrayList<>(m.learners().keySet());
            if (m.voters().size() > MIN_VOTERS) {
                removable.addAll(m.voters().keySet());
            }
            if (removable.isEmpty()) {
                return;
            }
            String gone = removable.get(random.nextInt(removable.size()));
            change(leader, "remove " + gone, core -> core.removeMember(gone));
        } else {
            // An operator stops a node that is no longer a member (or not yet one).
            List<SimNode> stoppable = sim.nodes.stream().filter(n -> n.up() && outside.contains(n.id)).toList();
            if (!stoppable.isEmpty()) {
                sim.crash(stoppable.get(random.nextInt(stoppable.size())), "(stopped: not a member)");
            }
        }
    }

    private interface Change {
        long apply(RaftCore core) throws RaftCore.NotLeaderException, RaftCore.MembershipChangeException;
    }

    private void change(SimNode leader, String what, Change change) {
        requested++;
        sim.onLoop(leader, () -> {
            try {
                long index = change.apply(leader.core);
                sim.log(leader.id + " proposes membership change: " + what + " at " + index);
            } catch (RaftCore.NotLeaderException | RaftCore.MembershipChangeException e) {
                sim.log(leader.id + " refuses membership change " + what + ": " + e.getMessage());
            }
        });
    }
}
