package dev.dsync.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Single-server membership changes (dissertation §4.1-4.3) on hand-driven clusters. */
class MembershipChangeTest {

    private static TestCluster threeNodesWithN1Leading() {
        TestCluster c = new TestCluster(3, true, true);
        c.elect("n1");
        return c;
    }

    private static RaftCore join(TestCluster c, String id) {
        return c.add(new RaftConfig(id, Membership.EMPTY, 10, 1, 64, 4, true, true), PersistentState.EMPTY);
    }

    @Test
    void aNewNodeJoinsAsLearnerCatchesUpAndIsPromoted() throws Exception {
        TestCluster c = threeNodesWithN1Leading();
        for (int i = 0; i < 20; i++) {
            c.propose("n1", "x" + i);
        }
        c.deliverAll();
        RaftCore n4 = join(c, "n4");
        assertFalse(n4.membership().contains("n4"), "a joining node knows no configuration yet");
        c.core("n1").addLearner("n4", "http://n4");
        assertTrue(c.core("n1").membership().isLearner("n4"));
        c.deliverAll();
        for (int i = 0; i < 3; i++) {
            c.tickAll(); // a heartbeat round promotes a learner that caught up meanwhile
        }
        for (RaftCore core : c.cores.values()) {
            assertEquals(Set.of("n1", "n2", "n3", "n4"), core.membership().voters().keySet(), core.id());
            assertEquals(c.core("n1").commitIndex(), core.commitIndex(), core.id());
        }
        assertEquals("http://n4", n4.membership().address("n4"));
        assertEquals(3, c.core("n1").membership().quorum());
    }

    @Test
    void aLearnerCountsForNoCommitAndNeverCampaigns() throws Exception {
        TestCluster c = threeNodesWithN1Leading();
        RaftCore n4 = join(c, "n4");
        c.core("n1").addLearner("n4", "");
        c.cutOneWay("n1", "n2");
        c.cutOneWay("n1", "n3");
        long before = c.core("n1").commitIndex();
        c.deliverAll();
        c.propose("n1", "only the learner hears this");
        c.deliverAll();
        assertEquals(before, c.core("n1").commitIndex(), "the learner's acknowledgement made a commit");
        c.heal();
        c.isolate("n4");
        c.tick("n4", 100);
        assertEquals(Role.FOLLOWER, n4.role(), "a learner campaigned");
        assertTrue(c.sent.stream().noneMatch(m -> m.from().equals("n4") && m instanceof Message.VoteRequest));
    }

    @Test
    void oneChangeAtATime() throws Exception {
        TestCluster c = threeNodesWithN1Leading();
        join(c, "n4");
        c.isolate("n1"); // nothing commits: the first change stays in progress
        c.core("n1").addLearner("n4", "");
        RaftCore.MembershipChangeException refused = assertThrows(RaftCore.MembershipChangeException.class,
                () -> c.core("n1").addLearner("n5", ""));
        assertTrue(refused.retryable());
        assertThrows(RaftCore.MembershipChangeException.class, () -> c.core("n1").removeMember("n3"));
        RaftCore.MembershipChangeException bad = assertThrows(RaftCore.MembershipChangeException.class,
                () -> c.core("n1").addLearner("n2", ""));
        assertFalse(bad.retryable());
    }

    @Test
    void aNewLeaderChangesNothingBeforeItCommitsAnEntryOfItsTerm() throws Exception {
        TestCluster c = new TestCluster(3, true, true);
        RaftCore n1 = c.core("n1");
        for (int i = 0; i < 40 && n1.role() != Role.LEADER; i++) {
            n1.tick();
            c.deliverAll(m -> m instanceof Message.AppendResponse);
        }
        assertEquals(Role.LEADER, n1.role());
        RaftCore.MembershipChangeException refused = assertThrows(RaftCore.MembershipChangeException.class,
                () -> n1.addLearner("n4", ""));
        assertTrue(refused.retryable());
        c.tickAll();
        n1.addLearner("n4", ""); // its no-op committed: now it may
    }

    @Test
    void aRemovedFollowerLearnsOfItStopsGettingTheLogAndNeverCampaigns() throws Exception {
        TestCluster c = threeNodesWithN1Leading();
        c.core("n1").removeMember("n3");
        c.deliverAll();
        assertEquals(Set.of("n1", "n2"), c.core("n3").membership().voters().keySet(), "n3 did not learn its removal");
        int sentToN3 = (int) c.sent.stream().filter(m -> m.to().equals("n3")).count();
        c.propose("n1", "after");
        c.tickAll();
        c.tickAll();
        assertEquals(sentToN3, c.sent.stream().filter(m -> m.to().equals("n3")).count(), "the leader kept sending to n3");
        c.isolate("n3");
        c.tick("n3", 100);
        assertEquals(Role.FOLLOWER, c.core("n3").role());
        assertEquals(1, c.core("n1").membership().quorum() - 1, "two voters need both");
    }

    @Test
    void aRemovalWaitsUntilTheVotersLeftHaveHeardFromTheLeader() throws Exception {
        TestCluster c = new TestCluster(3, true, true);
        c.isolate("n2"); // n1 is elected by n3 and commits with it; n2 hears nothing of n1's term
        c.elect("n1");
        c.propose("n1", "n2 misses this");
        c.deliverAll();
        long committed = c.core("n1").commitIndex();
        // Removing n3 would leave {n1, n2}, and n1 has not heard from n2 in its term: nothing could
        // commit until n2 answers, and with n2 gone for good no node could be elected either.
        RaftCore.MembershipChangeException refused = assertThrows(RaftCore.MembershipChangeException.class,
                () -> c.core("n1").removeMember("n3"));
        assertTrue(refused.retryable(), refused.getMessage());
        assertTrue(refused.getMessage().contains("[n2]"), refused.getMessage());
        assertEquals(Set.of("n1", "n2", "n3"), c.core("n1").membership().voters().keySet(), "a refused removal changed the configuration");
        c.heal();
        for (int i = 0; i < 12; i++) { // n2 answers a heartbeat and is caught up
            c.tickAll();
            c.deliverAll();
        }
        c.core("n1").removeMember("n3");
        c.deliverAll();
        assertEquals(Set.of("n1", "n2"), c.core("n2").membership().voters().keySet());
        assertTrue(c.core("n1").commitIndex() > committed, "the removal did not commit");
    }

    @Test
    void theLeaderHandsOverBeforeItIsRemoved() throws Exception {
        TestCluster c = threeNodesWithN1Leading();
        assertThrows(RaftCore.NotLeaderException.class, () -> c.core("n1").removeMember("n1"));
        c.deliverAll();
        List<String> leaders = c.leaders();
        assertEquals(1, leaders.size());
        String heir = leaders.getFirst();
        assertNotEquals("n1", heir);
        c.tickAll(); // the heir commits an entry of its term
        c.core(heir).removeMember("n1");
        c.deliverAll();
        assertFalse(c.core(heir).membership().contains("n1"));
        assertFalse(c.core("n1").membership().contains("n1"), "the old leader did not learn its removal");
        assertThrows(RaftCore.MembershipChangeException.class, () -> {
            c.core(heir).removeMember(heir.equals("n2") ? "n3" : "n2");
            c.deliverAll();
            c.core(heir).removeMember(heir);
        });
    }

    @Test
    void snapshotsAndRestartsKeepTheConfiguration() throws Exception {
        TestCluster c = threeNodesWithN1Leading();
        join(c, "n4");
        c.core("n1").addLearner("n4", "http://n4");
        c.deliverAll();
        RaftCore n2 = c.core("n2");
        Membership expected = n2.membership();
        Snapshot s = n2.compact(n2.appliedIndex(), new byte[] {1});
        assertEquals(expected, s.membership());
        RaftCore restarted = new RaftCore(new RaftConfig("n2", TestCluster.ids(3), 10, 1, 64, 4, true, true),
                x -> 0, new PersistentState(new HardState(n2.term(), null, n2.commitIndex()), s, List.of()));
        assertEquals(expected, restarted.membership());
    }

    @Test
    void aTruncatedConfigurationEntryTakesItsConfigurationBack() {
        Membership three = Membership.ofVoters(List.of("n1", "n2", "n3"));
        RaftLog log = new RaftLog(new PersistentState(HardState.INITIAL, null, List.of(new Entry(1, 1, new byte[0]))), three);
        log.appendAfterMatch(1, List.of(Entry.config(1, 2, three.withLearner("n4", ""))));
        assertTrue(log.membership().isLearner("n4"));
        assertEquals(2, log.membershipIndex());
        log.appendAfterMatch(1, List.of(new Entry(2, 2, new byte[] {7})));
        assertEquals(three, log.membership(), "the configuration of a replaced entry stayed in force");
        assertEquals(0, log.membershipIndex());
    }
}

