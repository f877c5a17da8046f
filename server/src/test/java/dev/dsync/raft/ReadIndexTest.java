package dev.dsync.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReadIndexTest {

    @Test
    void readIsConfirmedByAQuorumHeartbeatRoundWithoutWritingTheLog() {
        TestCluster c = new TestCluster(3, true, true);
        c.elect("n1");
        c.propose("n1", "a");
        c.deliverAll();
        long last = c.core("n1").lastIndex();
        assertTrue(c.core("n1").readIndex(7));
        c.flush();
        assertTrue(c.readStates("n1").isEmpty(), "not before a quorum answered");
        c.deliverAll();
        assertEquals(List.of(new ReadState(7, last)), c.readStates("n1"));
        assertEquals(last, c.core("n1").lastIndex(), "no log entry for a read");
    }

    @Test
    void followerRefusesReads() {
        TestCluster c = new TestCluster(3, true, true);
        c.elect("n1");
        assertFalse(c.core("n2").readIndex(1));
    }

    @Test
    void isolatedLeaderCannotConfirmAndDropsTheReadWhenItStepsDown() {
        TestCluster c = new TestCluster(3, true, true);
        c.elect("n1");
        c.isolate("n1");
        assertTrue(c.core("n1").readIndex(9));
        for (int i = 0; i < 25; i++) {
            c.tick("n1", 1);
            c.deliverAll();
        }
        assertEquals(Role.FOLLOWER, c.core("n1").role());
        assertTrue(c.readStates("n1").isEmpty());
        assertEquals(List.of(9L), c.droppedReads("n1"));
    }

    @Test
    void newLeaderHoldsReadsUntilItCommittedAnEntryOfItsTerm() {
        TestCluster c = new TestCluster(3, false, false);
        c.elect("n1");
        c.propose("n1", "a");
        c.deliverAll();
        // n2 takes over, but its no-op does not get through yet.
        RaftCore n2 = c.core("n2");
        n2.step(new Message.TimeoutNow("n1", "n2", n2.term())); // campaign now
        c.deliverAll(m -> m instanceof Message.AppendRequest a && a.from().equals("n2"));
        assertEquals(Role.LEADER, n2.role());
        assertTrue(n2.commitIndex() < n2.lastIndex(), "the no-op is not committed");
        assertTrue(n2.readIndex(3));
        for (int i = 0; i < 3; i++) {
            c.deliverAll(m -> m instanceof Message.AppendRequest a && a.from().equals("n2"));
        }
        assertTrue(c.readStates("n2").isEmpty(), "held: its commit index may still lag");
        c.tickAll();
        c.tickAll();
        assertEquals(List.of(new ReadState(3, n2.lastIndex())), c.readStates("n2"));
    }

    @Test
    void singleNodeConfirmsAtOnce() {
        TestCluster c = new TestCluster(1, true, true);
        c.elect("n1");
        assertTrue(c.core("n1").readIndex(4));
        c.flush();
        assertEquals(List.of(new ReadState(4, 1)), c.readStates("n1"));
    }
}
