package dev.dsync.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * The nemesis of the fault phase: crashes and restarts, symmetric and one-way partitions (often
 * isolating the leader), link quality changes, and graceful leadership transfers followed by a
 * shutdown of the old leader, as the node shell does on SIGTERM.
 */
final class Faults {
    private final Simulation sim;

    Faults(Simulation sim) {
        this.sim = sim;
    }

    void begin() {
        sim.schedule(50 + sim.random.nextInt(200), new Runnable() {
            @Override
            public void run() {
                if (sim.faultPhase) {
                    strike();
                    sim.schedule(30 + sim.random.nextInt(300), this);
                }
            }
        });
    }

    private void strike() {
        List<SimNode> up = sim.upNodes();
        int kind = sim.random.nextInt(100);
        if (kind < 25) {
            crashOne(up);
        } else if (kind < 45) {
            partition();
        } else if (kind < 55) {
            oneWay();
        } else if (kind < 70) {
            if (sim.network.anyCut()) {
                sim.log("network heals");
                sim.network.healAll();
            }
        } else if (kind < 80) {
            sim.network.dropPermille = sim.random.nextInt(3) == 0 ? 0 : sim.random.nextInt(150);
            sim.network.maxDelayMs = 2 + sim.random.nextInt(40);
            sim.log("links now drop " + sim.network.dropPermille + "‰, delay <= " + sim.network.maxDelayMs + "ms");
        } else if (kind < 90) {
            transferAndStop();
        } else {
            restartAll();
        }
    }

    private void crashOne(List<SimNode> up) {
        // Mostly keep a majority up, so the run makes progress; sometimes not, to test recovery.
        int down = sim.nodes.size() - up.size();
        if (up.isEmpty() || (down >= (sim.nodes.size() - 1) / 2 && sim.random.nextInt(4) != 0)) {
            return;
        }
        SimNode victim = sim.random.nextInt(3) == 0 && sim.leader() != null ? sim.leader() : up.get(sim.random.nextInt(up.size()));
        sim.crash(victim, "(nemesis)");
    }

    private void restartAll() {
        for (SimNode n : sim.nodes) {
            if (!n.up()) {
                sim.start(n);
            }
        }
    }

    private void partition() {
        List<SimNode> side = new ArrayList<>();
        SimNode leader = sim.leader();
        if (leader != null && sim.random.nextBoolean()) {
            side.add(leader); // isolate the leader, or the leader and one follower
            if (sim.random.nextBoolean()) {
                side.add(sim.nodes.get(sim.random.nextInt(sim.nodes.size())));
            }
        } else {
            for (SimNode n : sim.nodes) {
                if (sim.random.nextBoolean()) {
                    side.add(n);
                }
            }
        }
        StringBuilder names = new StringBuilder();
        for (SimNode a : sim.nodes) {
            if (side.contains(a)) {
                names.append(a.id).append(' ');
                for (SimNode b : sim.nodes) {
                    if (!side.contains(b)) {
                        sim.network.cutBoth(a.id, b.id);
                    }
                }
            }
        }
        sim.log("partition: {" + names.toString().trim() + "} | rest");
    }

    private void oneWay() {
        SimNode a = sim.nodes.get(sim.random.nextInt(sim.nodes.size()));
        SimNode b = sim.nodes.get(sim.random.nextInt(sim.nodes.size()));
        if (a != b) {
            sim.network.cutOneWay(a.id, b.id);
            sim.log("one-way cut " + a.id + " -> " + b.id);
        }
    }

    /**
     * A freshly elected leader dies or is cut off within a few heartbeats, often before its no-op
     * reached everyone: the raw material of the paper's Figure 8.
     */
    void cutDownSoon(SimNode leader) {
        if (leader == null) {
            return;
        }
        long term = leader.core.term();
        sim.schedule(sim.random.nextInt(40), () -> {
            if (!sim.faultPhase || !leader.up() || leader.core.term() != term) { // once healed, no fault may strike
                return;
            }
            if (sim.random.nextBoolean()) {
                sim.crash(leader, "(new leader cut down)");
            } else {
                for (SimNode other : sim.nodes) {
                    if (other != leader) {
                        sim.network.cutBoth(leader.id, other.id);
                    }
                }
                sim.log("new leader " + leader.id + " isolated");
            }
        });
    }

    /** Graceful shutdown: hand leadership to the best follower, then stop a little later. */
    private void transferAndStop() {
        SimNode leader = sim.leader();
        if (leader == null) {
            return;
        }
        String target = leader.core.transferTarget();
        if (target == null) {
            return;
        }
        sim.log(leader.id + " transfers leadership to " + target);
        leader.core.transferLeadership(target);
        sim.drain(leader);
        if (sim.random.nextBoolean()) {
            sim.schedule(50 + sim.random.nextInt(150), () -> {
                if (sim.faultPhase && leader.up()) {
                    sim.crash(leader, "(shut down after transfer)");
                }
            });
        }
    }
}
