package dev.dsync.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UncommittedCapTest {

    @Test
    void aLeaderThatCannotCommitStopsAcceptingProposalsUntilItCommitsAgain() throws Exception {
        TestCluster c = new TestCluster(3, true, false); // no CheckQuorum: the cut-off leader keeps leading
        c.elect("n1");
        c.isolate("n1");
        RaftCore leader = c.core("n1");
        for (int i = 0; i < RaftCore.MAX_UNCOMMITTED_ENTRIES; i++) {
            leader.propose(new byte[] {1});
        }
        c.flush();
        RaftCore.NotLeaderException refused = assertThrows(RaftCore.NotLeaderException.class, () -> leader.propose(new byte[] {2}));
        assertTrue(refused.getMessage().contains("uncommitted"), refused.getMessage());
        assertEquals("n1", refused.leaderId());

        c.heal();
        for (int round = 0; round < 200 && leader.commitIndex() < leader.lastIndex(); round++) {
            c.tickAll();
            c.deliverAll();
        }
        assertEquals(leader.lastIndex(), leader.commitIndex());
        leader.propose(new byte[] {3});
    }
}
