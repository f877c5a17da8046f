package dev.dsync.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LeadershipTransferTest {

    @Test
    void targetIsBroughtUpToDateAndTakesOver() {
        TestCluster c = new TestCluster(3, true, true);
        c.elect("n1");
        c.isolate("n2");
        for (int i = 0; i < 5; i++) {
            c.propose("n1", "v" + i);
        }
        c.deliverAll();
        c.heal();
        c.core("n1").transferLeadership("n2");
        assertThrows(RaftCore.NotLeaderException.class, () -> c.core("n1").propose("x".getBytes(StandardCharsets.UTF_8)),
                "no proposals while handing over");
        for (int i = 0; i < 12 && c.core("n2").role() != Role.LEADER; i++) {
            c.tickAll(); // the lost appends to n2 are resent after an election timeout
        }
        assertEquals(Role.LEADER, c.core("n2").role());
        assertEquals(2, c.core("n2").term());
        assertEquals("n2", c.core("n1").leaderId());
        assertEquals("n2", c.core("n3").leaderId());
        assertEquals(c.core("n2").lastIndex(), c.core("n1").commitIndex());
    }

    @Test
    void transferToAnUnreachableTargetIsAbandonedAfterAnElectionTimeout() throws Exception {
        TestCluster c = new TestCluster(3, true, true);
        c.elect("n1");
        c.isolate("n2");
        c.core("n1").transferLeadership("n2");
        for (int i = 0; i < 10; i++) {
            c.tick("n1", 1);
            c.deliverAll();
        }
        assertEquals(Role.LEADER, c.core("n1").role());
        c.core("n1").propose("back".getBytes(StandardCharsets.UTF_8)); // accepted again
    }

    @Test
    void bestTargetIsTheMostUpToDateFollower() {
        TestCluster c = new TestCluster(3, true, true);
        c.elect("n1");
        c.isolate("n3");
        c.propose("n1", "v");
        c.deliverAll();
        assertEquals("n2", c.core("n1").transferTarget());
    }
}
