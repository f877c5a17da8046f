package dev.dsync.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DurabilityPolicyTest {
    private static final Entry E5 = new Entry(2, 5, new byte[] {1});

    private static Ready ready(HardState hs, List<Entry> entries, List<Message> messages) {
        return new Ready(Role.LEADER, "a", 2, hs, entries, null, List.of(), messages, List.of(), List.of());
    }

    @Test
    void leaderAppendsLeaveBeforeTheWriteAndAcknowledgementsAfter() {
        DurabilityPolicy policy = new DurabilityPolicy(new HardState(2, "a", 4));
        Message append = new Message.AppendRequest("a", "b", 2, 4, 2, List.of(E5), 4, 0);
        Message ack = new Message.AppendResponse("a", "c", 2, true, 5, 0, 0);
        Message vote = new Message.VoteResponse("a", "c", 2, true, false);
        DurabilityPolicy.Plan plan = policy.plan(ready(null, List.of(E5), List.of(append, ack, vote)));
        assertEquals(List.of(append), plan.early());
        assertEquals(List.of(ack, vote), plan.late());
        assertTrue(plan.write());
        assertEquals(List.of(E5), plan.entries());
    }

    @Test
    void aCommitOnlyChangeIsHeldBackAndWrittenWithTheNextEntries() {
        DurabilityPolicy policy = new DurabilityPolicy(new HardState(2, "a", 4));
        DurabilityPolicy.Plan commitOnly = policy.plan(ready(new HardState(2, "a", 5), List.of(), List.of()));
        assertFalse(commitOnly.write());
        policy.written(commitOnly);
        DurabilityPolicy.Plan withEntries = policy.plan(ready(null, List.of(new Entry(2, 6, null)), List.of()));
        assertTrue(withEntries.write());
        assertEquals(new HardState(2, "a", 5), withEntries.hardState());
        policy.written(withEntries);
        DurabilityPolicy.Plan nothingHeld = policy.plan(ready(null, List.of(new Entry(2, 7, null)), List.of()));
        assertNull(nothingHeld.hardState());
    }

    @Test
    void aNewTermOrVoteIsAlwaysWritten() {
        DurabilityPolicy policy = new DurabilityPolicy(new HardState(2, "a", 4));
        DurabilityPolicy.Plan newTerm = policy.plan(ready(new HardState(3, null, 4), List.of(), List.of()));
        assertTrue(newTerm.write());
        policy.written(newTerm);
        DurabilityPolicy.Plan vote = policy.plan(ready(new HardState(3, "b", 4), List.of(), List.of()));
        assertTrue(vote.write());
        assertEquals(new HardState(3, "b", 4), vote.hardState());
    }
}
