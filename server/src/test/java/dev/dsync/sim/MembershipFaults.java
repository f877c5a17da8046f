package dev.dsync.sim;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.node.Futures;
import dev.dsync.node.MembersEndpoints;
import dev.dsync.raft.Membership;
import dev.dsync.statemachine.ApplyResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The membership nemesis, in a third of the seeds: during the fault phase, an operator asks a
 * member's {@code /cluster/members} endpoint (the node's own code: forwarding, retries, the
 * leader's hand-over) to add a spare node (which joined with no configuration and waits), to
 * remove a member (a follower, a learner, or the leader itself, which hands over first), and stops
 * removed nodes sometimes, as an operator scaling a cluster would, interleaved with every other fault.
 *
 * <p>Its decisions come from their own {@link Random}, so that a seed without membership changes
 * runs exactly as it did before they existed.
 */
final class MembershipFaults {
    private static final String AUTHORIZATION = "Bearer " + SimEndpoints.ADMIN_TOKEN;
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
            ObjectNode body = ApplyResult.object().put("id", joiner).put("url", Simulation.address(joiner));
            ask(m, new ApiRequest("POST", MembersEndpoints.PATH, Map.of(), body.toString().getBytes(UTF_8), false, AUTHORIZATION), "add " + joiner);
        } else if (kind < 85) {
            List<String> removable = new ArrayList<>(m.learners().keySet());
            if (m.voters().size() > MIN_VOTERS) {
                removable.addAll(m.voters().keySet());
            }
            if (removable.isEmpty()) {
                return;
            }
            String gone = removable.get(random.nextInt(removable.size()));
            ask(m, new ApiRequest("DELETE", MembersEndpoints.PATH + "/" + gone, Map.of(), new byte[0], false, AUTHORIZATION), "remove " + gone);
        } else if (kind < 92) {
            ask(m, new ApiRequest("GET", MembersEndpoints.PATH, Map.of(), new byte[0], false), "list");
        } else {
            // An operator stops a node that is no longer a member (or not yet one).
            List<SimNode> stoppable = sim.nodes.stream().filter(n -> n.up() && outside.contains(n.id)).toList();
            if (!stoppable.isEmpty()) {
                sim.crash(stoppable.get(random.nextInt(stoppable.size())), "(stopped: not a member)");
            }
        }
    }

    /**
     * The operator's request, as it would send it with curl: to a member that is up (the leader
     * more often than not), through that node's {@code /cluster/members} endpoint, which forwards
     * it to the leader, retries refusals for now and follows a hand-over, as the node does.
     */
    private void ask(Membership m, ApiRequest request, String what) {
        requested++;
        List<SimNode> up = sim.nodes.stream().filter(n -> n.up() && m.contains(n.id)).toList();
        SimNode leader = sim.leader();
        if (up.isEmpty() || leader == null) {
            return;
        }
        SimNode target = random.nextInt(10) < 6 ? leader : up.get(random.nextInt(up.size()));
        target.endpoints.serve(request, null).whenComplete((response, error) -> {
            try {
                ApiResponse answer = Futures.answer(response, error);
                sim.log("operator: " + what + " at " + target.id + ": " + answer.status() + " " + answer.body());
                // A list is always answered: by the leader, else from the node's own configuration (or 504 if the node's loop did not answer in time).
                if (request.method().equals("GET") && answer.status() != 200 && answer.status() != 504) {
                    throw new AssertionError(target.id + " answered a member list with " + answer.status() + " " + answer.body());
                }
            } catch (RuntimeException bug) {
                sim.bug(bug);
            }
        });
    }
}
