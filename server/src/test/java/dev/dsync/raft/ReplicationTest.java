package dev.dsync.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicationTest {

    private static Entry e(long term, long index) {
        return new Entry(term, index, ("e" + index + "t" + term).getBytes(StandardCharsets.UTF_8));
    }

    private static RaftConfig config(String id, int maxEntries, int maxInflight) {
        return new RaftConfig(id, TestCluster.ids(3), 10, 1, maxEntries, maxInflight, false, false);
    }

    @Test
    void conflictingFollowerSuffixIsTruncatedAndReplaced() {
        TestCluster c = new TestCluster(0, id -> null);
        // n1 will lead term 4; n2 has a divergent tail from a term-2 leader that never committed it.
        c.add(config("n1", 64, 4), new PersistentState(new HardState(3, null, 1), null, List.of(e(1, 1), e(3, 2), e(3, 3))));
        c.add(config("n2", 64, 4), new PersistentState(new HardState(3, null, 1), null,
                List.of(e(1, 1), e(2, 2), e(2, 3), e(2, 4), e(2, 5))));
        c.add(config("n3", 64, 4), new PersistentState(new HardState(3, null, 1), null, List.of(e(1, 1), e(3, 2))));
        c.elect("n1");
        RaftCore n2 = c.core("n2");
        assertEquals(4, n2.lastIndex(), "2..5 of term 2 gave way to 2..3 of term 3 plus the term-4 no-op");
        assertEquals(3, n2.termAt(2));
        assertEquals(3, n2.termAt(3));
        assertEquals(4, n2.termAt(4));
        assertEquals(4, n2.commitIndex());
        // The rejection hint skipped the whole term-2 run at once rather than one entry per round.
        long rejections = c.sent.stream().filter(m -> m instanceof Message.AppendResponse r && !r.success() && r.from().equals("n2")).count();
        assertEquals(1, rejections);
    }

    /**
     * Raft Figure 8: a leader must not count replicas of an entry from an earlier term. n1 leads
     * term 4 holding index 2 of term 2; once n2 also holds index 2, a majority has it, yet it may
     * only commit together with the leader's own term-4 entry.
     */
    @Test
    void entriesOfEarlierTermsCommitOnlyThroughOneOfTheCurrentTerm() {
        PersistentState s = new PersistentState(new HardState(3, null, 1), null, List.of(e(1, 1), e(2, 2)));
        RaftCore n1 = new RaftCore(config("n1", 1, 4), x -> 0, s);
        while (n1.role() != Role.CANDIDATE) {
            n1.tick();
        }
        n1.step(new Message.VoteResponse("n2", "n1", 4, true, false));
        assertEquals(Role.LEADER, n1.role());
        assertEquals(3, n1.lastIndex(), "the no-op of term 4");
        n1.advance(n1.ready()); // its own log is durable now
        n1.step(new Message.AppendResponse("n2", "n1", 4, true, 2, 0, 0));
        n1.advance(n1.ready());
        assertEquals(1, n1.commitIndex(), "index 2 is on a majority, but it is of term 2");
        n1.step(new Message.AppendResponse("n2", "n1", 4, true, 3, 0, 0));
        assertEquals(3, n1.commitIndex(), "the term-4 entry commits, and index 2 with it");
    }

    /**
     * A follower whose acknowledgement arrived after the entry committed (the other follower's came
     * first) learns the commit with the next append or heartbeat, unless a service asks the leader to
     * share it (it answered that follower about the entry): then at once, and once only.
     */
    @Test
    void aSharedCommitReachesTheFollowerThatAcknowledgedLast() {
        TestCluster c = new TestCluster(3, false, false);
        c.elect("n1");
        long index = c.propose("n1", "x");
        c.deliverAll(); // n2's answer reaches n1 first and commits the entry; no tick, so no heartbeat
        assertEquals(index, c.core("n1").commitIndex());
        assertEquals(index, c.core("n2").commitIndex(), "n2 had nothing in flight at the commit: told at once");
        assertEquals(index - 1, c.core("n3").commitIndex(), "n3's answer came after the commit");
        c.core("n1").shareCommitWith("n3");
        c.deliverAll();
        assertEquals(index, c.core("n3").commitIndex());
        int sentBefore = c.sent.size();
        c.core("n1").shareCommitWith("n3");
        c.core("n1").shareCommitWith("n2");
        c.deliverAll();
        assertEquals(sentBefore, c.sent.size(), "nothing more to tell either follower");
    }

    @Test
    void leaderCountsItsOwnEntryOnlyOnceDurable() {
        TestCluster c = new TestCluster(3, false, false);
        c.elect("n1");
        RaftCore n1 = c.core("n1");
        long index = c.propose("n1", "x"); // flush: persisted and sent
        n1.step(new Message.AppendResponse("n2", "n1", n1.term(), true, index, 0, 0));
        assertEquals(index, n1.commitIndex());
        // A proposal whose Ready the shell has not carried out yet: one follower's ack plus our
        // unsynced copy must not count as two of three.
        long next;
        try {
            next = n1.propose("y".getBytes(StandardCharsets.UTF_8));
        } catch (RaftCore.NotLeaderException e) {
            throw new AssertionError(e);
        }
        n1.step(new Message.AppendResponse("n2", "n1", n1.term(), true, next, 0, 0));
        assertEquals(index, n1.commitIndex(), "our copy of the entry is not on disk yet");
        Ready r = n1.ready();
        assertEquals(next, r.entries().getLast().index());
        n1.advance(r);
        assertEquals(next, n1.commitIndex(), "durable now: two of three");
    }

    @Test
    void followerAcknowledgesOnlyInTheReadyThatPersistsTheEntries() {
        RaftCore n2 = new RaftCore(config("n2", 64, 4), x -> 0, PersistentState.EMPTY);
        n2.step(new Message.AppendRequest("n1", "n2", 1, 0, 0, List.of(e(1, 1), e(1, 2)), 1, 0));
        Ready r = n2.ready();
        assertEquals(2, r.entries().size());
        assertNotNull(r.hardState());
        Message.AppendResponse ack = (Message.AppendResponse) r.messages().getFirst();
        assertTrue(ack.success());
        assertEquals(2, ack.matchIndex());
        assertEquals(1, r.committed().size(), "commit 1 from the leader, applied after the persist");
    }

    @Test
    void pipelineKeepsAtMostMaxInflightAppendsAndProbeOnlyOne() {
        TestCluster c = new TestCluster(3, id -> config(id, 1, 2));
        c.elect("n1");
        c.isolate("n2"); // its answers never come back, and it sees nothing
        int before = c.sent.size();
        for (int i = 0; i < 10; i++) {
            c.propose("n1", "p" + i);
        }
        c.deliverAll();
        long toN2 = c.sent.subList(before, c.sent.size()).stream()
                .filter(m -> m instanceof Message.AppendRequest a && a.to().equals("n2") && !a.entries().isEmpty()).count();
        assertEquals(2, toN2, "replicate mode: two appends of one entry in flight, then wait");
        long toN3 = c.sent.subList(before, c.sent.size()).stream()
                .filter(m -> m instanceof Message.AppendRequest a && a.to().equals("n3") && !a.entries().isEmpty()).count();
        assertEquals(10, toN3, "the reachable follower acknowledges and keeps the pipeline moving");
        assertEquals(11, c.core("n1").commitIndex());

        // After an election timeout without answers the leader falls back to probing: one at a time.
        c.heal();
        c.cutOneWay("n2", "n1");
        before = c.sent.size();
        for (int i = 0; i < 12; i++) {
            c.tick("n1", 1);
            c.deliverAll();
        }
        long probes = c.sent.subList(before, c.sent.size()).stream()
                .filter(m -> m instanceof Message.AppendRequest a && a.to().equals("n2") && !a.entries().isEmpty()).count();
        assertEquals(1, probes);
        c.heal();
        for (int i = 0; i < 15; i++) {
            c.tickAll();
        }
        assertEquals(11, c.core("n2").lastIndex(), "caught up once its answers arrive");
        assertEquals(11, c.core("n2").commitIndex());
    }
}
