package dev.dsync.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link RaftCore#ticksUntilDue} lets the node's loop sleep through ticks that only count. If it
 * ever said too much, a sleeping leader would miss a heartbeat or a follower its election: so in
 * random runs with lost messages, isolations and proposals, every tick before the due one must leave
 * the core with nothing to do (no Ready, same role and term).
 */
class TicksUntilDueTest {

    @Test
    void theTicksBeforeTheDueOneDoNothing() {
        Map<Role, Integer> checked = new EnumMap<>(Role.class);
        int sleptPastAHeartbeatCounter = 0;
        for (int seed = 0; seed < 40; seed++) {
            Random r = new Random(seed);
            TestCluster c = new TestCluster(3, id -> new RaftConfig(id, TestCluster.ids(3), 10, 3, 64, 4, true, true));
            for (int step = 0; step < 300; step++) {
                String id = "n" + (1 + r.nextInt(3));
                RaftCore core = c.core(id);
                c.flush();
                int due = core.ticksUntilDue();
                assertTrue(due >= 1, "due " + due);
                Role role = core.role();
                long term = core.term();
                checked.merge(role, 1, Integer::sum);
                for (int i = 1; i < due; i++) {
                    core.tick();
                    String where = "seed " + seed + " step " + step + ": tick " + i + " of " + due + " on " + id + " (" + role + ")";
                    assertFalse(core.hasReady(), where + " produced a Ready");
                    assertEquals(role, core.role(), where);
                    assertEquals(term, core.term(), where);
                }
                if (role == Role.LEADER && due > 1) {
                    sleptPastAHeartbeatCounter++;
                }
                core.tick();
                switch (r.nextInt(12)) {
                    case 0 -> c.isolate(id);
                    case 1, 2 -> c.heal();
                    case 3, 4 -> propose(c, step);
                    default -> { }
                }
                c.deliverAll(m -> r.nextInt(8) == 0);
            }
        }
        assertTrue(checked.getOrDefault(Role.LEADER, 0) > 100, "leaders checked: " + checked);
        assertTrue(checked.getOrDefault(Role.FOLLOWER, 0) > 100, "followers checked: " + checked);
        assertTrue(sleptPastAHeartbeatCounter > 50, "leaders that could sleep: " + sleptPastAHeartbeatCounter);
    }

    private static void propose(TestCluster c, int step) {
        for (RaftCore core : c.cores.values()) {
            if (core.role() == Role.LEADER) {
                try {
                    core.propose(new byte[] {(byte) step});
                } catch (RaftCore.NotLeaderException e) {
                    throw new AssertionError(e);
                }
            }
        }
    }
}
