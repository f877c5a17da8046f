package dev.dsync.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ElectionTest {

    @Test
    void oneLeaderIsElectedAndCommitsItsNoop() {
        TestCluster c = new TestCluster(3, true, true);
        for (int i = 0; i < 50 && c.leaders().isEmpty(); i++) {
            c.tickAll();
        }
        assertEquals(1, c.leaders().size());
        String leader = c.leaders().getFirst();
        RaftCore l = c.core(leader);
        assertEquals(1, l.term());
        assertEquals(1, l.commitIndex(), "the no-op of the new term commits");
        for (RaftCore core : c.cores.values()) {
            assertEquals(leader, core.leaderId());
            assertEquals(1, core.term());
        }
        assertTrue(c.applied.get(leader).getFirst().isNoop());
    }

    @Test
    void electionTimeoutIsRandomInOneToTwoTimesTheBase() {
        for (int seed = 0; seed < 20; seed++) {
            java.util.Random r = new java.util.Random(seed);
            RaftCore core = new RaftCore(RaftConfig.defaults("a", List.of("a", "b", "c")), r::nextInt, PersistentState.EMPTY);
            int ticks = 0;
            while (core.role() == Role.FOLLOWER) {
                core.tick();
                ticks++;
            }
            assertTrue(ticks >= 10 && ticks < 20, "timed out after " + ticks + " ticks");
        }
    }

    @Test
    void preVoteKeepsAPartitionedNodeFromInflatingItsTerm() {
        TestCluster c = new TestCluster(3, true, true);
        c.elect("n1");
        c.isolate("n3");
        for (int i = 0; i < 200; i++) {
            c.tick("n3", 1);
            c.deliverAll();
        }
        assertEquals(1, c.core("n3").term(), "pre-votes never won, so the term stayed");
        assertEquals(Role.PRE_CANDIDATE, c.core("n3").role());
        c.heal();
        for (int i = 0; i < 5; i++) {
            c.tickAll();
        }
        assertEquals("n1", c.core("n3").leaderId(), "rejoining did not disturb the leader");
        assertEquals(1, c.core("n1").term());
    }

    @Test
    void withoutPreVoteTheTermInflatesAndRejoiningDisrupts() {
        TestCluster c = new TestCluster(3, false, false);
        c.elect("n1");
        c.isolate("n3");
        for (int i = 0; i < 200; i++) {
            c.tick("n3", 1);
            c.deliverAll();
        }
        assertTrue(c.core("n3").term() > 5, "term " + c.core("n3").term());
    }

    @Test
    void checkQuorumMakesAnIsolatedLeaderStepDown() {
        TestCluster c = new TestCluster(3, true, true);
        c.elect("n1");
        c.isolate("n1");
        // The window that was running when the cut happened still saw the followers; the next one
        // does not: the leader steps down within two election timeouts.
        c.tick("n1", 9);
        assertEquals(Role.LEADER, c.core("n1").role());
        c.tick("n1", 11);
        assertEquals(Role.FOLLOWER, c.core("n1").role(), "no quorum heard within an election timeout");
        assertNull(c.core("n1").leaderId());
        assertEquals(1, c.core("n1").term(), "stepping down does not bump the term");
    }

    @Test
    void followerInLeaseIgnoresVoteRequests() {
        TestCluster c = new TestCluster(3, false, true);
        c.elect("n1");
        RaftCore n2 = c.core("n2");
        n2.step(new Message.VoteRequest("n3", "n2", 5, 100, 5, false, false));
        assertEquals(1, n2.term(), "a live leader's follower does not even adopt the term");
        assertFalse(n2.hasReady() && n2.ready().messages().stream().anyMatch(m -> m instanceof Message.VoteResponse));
        n2.step(new Message.VoteRequest("n3", "n2", 5, 100, 5, false, true));
        assertEquals(5, n2.term(), "a leadership-transfer election is let through");
        assertEquals("n3", n2.hasReady() ? voteGrantedTo(n2.ready()) : null);
    }

    private static String voteGrantedTo(Ready r) {
        return r.messages().stream().filter(m -> m instanceof Message.VoteResponse v && v.granted())
                .map(Message::to).findFirst().orElse(null);
    }

    @Test
    void voteGoesOnlyToAnUpToDateCandidateAndOncePerTerm() {
        RaftCore n1 = new RaftCore(new RaftConfig("n1", TestCluster.ids(3), 10, 1, 64, 4, false, false), x -> 0,
                new PersistentState(new HardState(2, null, 0), null, List.of(new Entry(1, 1, null), new Entry(2, 2, null))));
        n1.step(new Message.VoteRequest("n2", "n1", 3, 5, 1, false, false));
        assertEquals(null, voteGrantedTo(n1.ready()), "older last term loses even with a longer log");
        n1.step(new Message.VoteRequest("n2", "n1", 3, 2, 2, false, false));
        assertEquals("n2", voteGrantedTo(n1.ready()));
        n1.step(new Message.VoteRequest("n3", "n1", 3, 9, 3, false, false));
        assertEquals(null, voteGrantedTo(n1.ready()), "already voted in term 3");
        Ready r = n1.ready();
        assertNull(r.hardState());
    }

    @Test
    void voteIsPersistedInTheSameReadyThatSendsIt() {
        RaftCore n1 = new RaftCore(new RaftConfig("n1", TestCluster.ids(3), 10, 1, 64, 4, false, false), x -> 0,
                PersistentState.EMPTY);
        n1.step(new Message.VoteRequest("n2", "n1", 1, 0, 0, false, false));
        Ready r = n1.ready();
        assertEquals(new HardState(1, "n2", 0), r.hardState());
        assertEquals("n2", voteGrantedTo(r));
    }
}
