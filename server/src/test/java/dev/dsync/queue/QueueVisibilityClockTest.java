package dev.dsync.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Visibility timeouts across a leader change between nodes whose wall clocks disagree: the new
 * leader counts each delivery down on its own monotonic clock, from when it first sees it.
 */
class QueueVisibilityClockTest {
    private final QueueService newLeader = new QueueService();
    private final QueueStateMachine sm = (QueueStateMachine) newLeader.stateMachine();
    private long index;

    private JsonNode apply(long wallMs, byte[] command) {
        return sm.apply(++index, wallMs, command).body();
    }

    @Test
    void aNewLeaderAheadByAMinuteDoesNotRedeliverEarly() {
        long oldWall = 1_800_000_000_000L;
        apply(oldWall, new QueueCommand.Enqueue("q", "k", new TextNode("v"), 5).encode());
        JsonNode delivered = apply(oldWall + 10, new QueueCommand.Dequeue("q", "worker", 2_000, QueueCommand.ANY_PARTITION).encode());
        assertEquals("1-1", delivered.get("receipt").asText());

        long newWall = oldWall + 60_000;
        assertEquals(List.of(1L), sm.expiredLeases(newWall, 10), "the old wall-clock rule would redeliver at once");

        long mono = 123_456;
        for (long elapsed = 0; elapsed <= 2_100; elapsed += 100) {
            assertEquals(List.of(), newLeader.leaderDuties(mono + elapsed), "after " + elapsed + " ms");
        }
        List<byte[]> duties = newLeader.leaderDuties(mono + 2_101);
        assertEquals(1, duties.size());
        JsonNode expired = apply(newWall + 2_101, duties.get(0));
        assertEquals(1, expired.get("redeliverable").size(), expired::toString);
    }

    @Test
    void anExpiryOfAnEarlierDeliveryIsIgnored() {
        apply(0, new QueueCommand.Enqueue("q", "k", new TextNode("v"), 5).encode());
        apply(0, new QueueCommand.Dequeue("q", "w1", 1_000, QueueCommand.ANY_PARTITION).encode());
        newLeader.leaderDuties(0);
        byte[] expiryOfFirst = newLeader.leaderDuties(1_051).get(0);
        apply(1, expiryOfFirst);
        apply(2, new QueueCommand.Dequeue("q", "w2", 1_000, QueueCommand.ANY_PARTITION).encode()); // delivery 2
        JsonNode again = apply(3, expiryOfFirst);
        assertEquals(0, again.get("redeliverable").size(), "delivery 2 is live; an expiry of delivery 1 must not end it");
    }
}
