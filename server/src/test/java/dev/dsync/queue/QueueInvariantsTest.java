package dev.dsync.queue;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The invariant checker notices the corruptions it exists for. */
class QueueInvariantsTest {
    private final QueueHarness h = new QueueHarness();

    private void assertViolation(String expected) {
        AssertionError e = assertThrows(AssertionError.class, () -> QueueInvariants.check(h.sm));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void aVanishedMessageIsNoticed() {
        long id = h.enq("k", "v");
        h.sm.table().messages.remove(id);
        assertViolation("unknown message");
    }

    @Test
    void aMessageDroppedEverywhereIsStillNoticed() {
        long id = h.enq("k", "v");
        QueueMessage m = h.sm.table().messages.get(id);
        h.sm.table().remove(m);
        assertViolation("a message was lost");
    }

    @Test
    void aSecondLiveDeliveryOfAKeyIsNoticed() {
        h.enq("k", "1");
        long second = h.enq("k", "2");
        h.deq();
        QueueMessage m = h.sm.table().messages.get(second);
        m.inFlight = true;
        m.deliveries = 1;
        assertViolation("in flight behind an earlier message");
    }

    @Test
    void aStaleReadyIndexIsNoticed() {
        h.enq("k", "1");
        long second = h.enq("k", "2");
        h.sm.table().partitionOf(h.sm.table().messages.get(second)).ready.add(second);
        assertViolation("are not the idle heads");
    }
}
