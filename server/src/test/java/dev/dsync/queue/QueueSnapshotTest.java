package dev.dsync.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.dsync.statemachine.ApplyResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueSnapshotTest {
    private final QueueHarness h = new QueueHarness();

    /** Waiting, blocked, in-flight, delayed and dead-lettered messages, counters and a clock. */
    private void buildRichState() {
        long a1 = h.enq("orders", "a", "1", 1);
        h.enq("orders", "a", "2", 5);
        long b1 = h.enq("orders", "b", "1", 5);
        h.enq("default", "c", "1", 5);
        h.deq("orders", 100);                     // a1 in flight
        h.nowMs += 200;
        h.expireDue();                            // a1 dead-lettered (max 1)
        h.deq("orders", 5_000);                   // a2 in flight
        String rb = QueueHarness.assertDelivered(h.deq("orders", 5_000), b1, 1);
        h.nack(b1, rb, 60_000);                   // b1 delayed
        h.deq("orders.dlq", 1_000);               // a1 in flight from the dead-letter queue
        h.ack(h.enq("gone", "k", "v", 5), null);  // 409: never delivered
        h.nowMs -= 300;                           // a slower leader: the clock stays at the maximum
        assertEquals(1, h.sm.deadLetteredTotal(), "a1 dead-lettered");
        assertTrue(a1 > 0);
    }

    @Test
    void restoredMachineBehavesIdentically() {
        buildRichState();
        byte[] image = h.sm.snapshot();
        QueueStateMachine twin = new QueueStateMachine();
        twin.restore(image);
        QueueInvariants.check(twin);
        assertArrayEquals(image, twin.snapshot());
        assertEquals(h.sm.clockMs(), twin.clockMs());
        assertEquals(h.sm.stats("orders"), twin.stats("orders"));
        assertEquals(h.sm.peek("orders", -1, h.nowMs), twin.peek("orders", -1, h.nowMs));

        List<QueueCommand> future = List.of(
                new QueueCommand.Dequeue("orders", "c", 1_000, -1),
                new QueueCommand.ExpireLeases(List.of(1L, 2L, 3L, 5L)),
                new QueueCommand.Dequeue("orders", "c", 1_000, -1),
                new QueueCommand.Ack(2, null),
                new QueueCommand.Dequeue("orders", "c", 1_000, -1),
                new QueueCommand.Enqueue("orders", "b", TextNode.valueOf("2"), 2),
                new QueueCommand.Dequeue("orders.dlq", "c", 1_000, -1),
                new QueueCommand.Nack(3, "3-2", 0),
                new QueueCommand.Dequeue("default", null, 1_000, -1));
        long index = h.index;
        long now = h.nowMs;
        for (QueueCommand command : future) {
            index++;
            now += 20_000;
            ApplyResult expected = h.sm.apply(index, now, command.encode());
            ApplyResult actual = twin.apply(index, now, command.encode());
            assertEquals(expected, actual, command::toString);
            assertArrayEquals(h.sm.snapshot(), twin.snapshot());
        }
    }

    /**
     * A capture (taken between two applies, encoded later on the snapshot thread) is the image of
     * its moment: what is applied afterwards (a delivery, an ack, a nack, an expiry, new messages)
     * does not leak into it. A capture that shared mutable messages would fail this.
     */
    @Test
    void aCaptureEncodedLaterIsTheImageOfItsMoment() {
        buildRichState();
        byte[] then = h.sm.snapshot();
        java.util.function.Supplier<byte[]> capture = h.sm.captureSnapshot();
        long index = h.index;
        long now = h.nowMs;
        for (QueueCommand command : List.of(
                new QueueCommand.Dequeue("orders", "c", 1_000, -1),
                new QueueCommand.Ack(2, null),
                new QueueCommand.Nack(3, "3-1", 10),
                new QueueCommand.ExpireLeases(List.of(1L, 2L, 3L, 5L)),
                new QueueCommand.Enqueue("orders", "b", TextNode.valueOf("2"), 2),
                new QueueCommand.Dequeue("orders.dlq", "c", 1_000, -1))) {
            h.sm.apply(++index, now += 20_000, command.encode());
        }
        assertArrayEquals(then, capture.get());
    }

    /**
     * The stored-size estimate behind the queue's storage limit: each message counts from enqueue
     * to ack, keeps counting through redelivery and dead-lettering, and a restored replica counts
     * the same.
     */
    @Test
    void storedBytesCountEveryUnacknowledgedMessageAndSurviveARestore() {
        assertEquals(0, h.sm.storedBytes());
        long one = h.enq("q", "k1", "x", 1);
        long two = h.enq("q", "k2", "yyyy", 5);
        long each1 = QueueMessage.estimatedBytes("k1", TextNode.valueOf("x"));
        long each2 = QueueMessage.estimatedBytes("k2", TextNode.valueOf("yyyy"));
        assertEquals(2 + 3 + QueueMessage.OVERHEAD_BYTES, each1, "key, value JSON (quoted) and the overhead");
        assertEquals(each1 + each2, h.sm.storedBytes());
        h.deq("q", 100);
        h.deq("q", 100);
        h.nowMs += 200;
        h.expireDue(); // one is dead-lettered (max 1), two is redeliverable: both still stored
        assertEquals(each1 + each2, h.sm.storedBytes());
        QueueStateMachine twin = new QueueStateMachine();
        twin.restore(h.sm.snapshot());
        assertEquals(h.sm.storedBytes(), twin.storedBytes());
        String receipt = QueueHarness.assertDelivered(h.deq("q", 5_000), two, 2);
        h.ack(two, receipt);
        assertEquals(each1, h.sm.storedBytes());
        assertTrue(one > 0);
    }

    @Test
    void restoreReplacesEverything() {
        buildRichState();
        byte[] image = h.sm.snapshot();
        QueueStateMachine other = new QueueStateMachine();
        other.apply(1, 5, new QueueCommand.Enqueue("zzz", "k", TextNode.valueOf("v"), 5).encode());
        other.restore(image);
        assertEquals(0, other.stats("zzz").get("depth").asInt());
        assertArrayEquals(image, other.snapshot());
    }

    @Test
    void emptyMachineRoundTrips() {
        QueueStateMachine twin = new QueueStateMachine();
        twin.restore(new QueueStateMachine().snapshot());
        assertEquals(0, twin.messageCount());
    }

    @Test
    void corruptOrInconsistentImagesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new QueueStateMachine().restore("junk".getBytes()));
        String lost = "{\"format\":1,\"clockMs\":5,\"enqueuedTotal\":2,\"deliveredTotal\":0,\"redeliveredTotal\":0,"
                + "\"ackedTotal\":0,\"deadLetteredTotal\":0,\"queues\":[{\"name\":\"q\",\"deadLetteredTotal\":0}],"
                + "\"messages\":[{\"id\":1,\"queue\":\"q\",\"key\":\"k\",\"value\":1,\"maxDeliveries\":5,\"deliveries\":0,"
                + "\"readyAtMs\":5,\"inFlight\":false,\"consumerId\":null,\"leaseDeadlineMs\":0}]}";
        var e = assertThrows(IllegalArgumentException.class,
                () -> new QueueStateMachine().restore(lost.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("lost"), e.getMessage());
        String neverDelivered = lost.replace("\"enqueuedTotal\":2", "\"enqueuedTotal\":1")
                .replace("\"inFlight\":false", "\"inFlight\":true");
        e = assertThrows(IllegalArgumentException.class,
                () -> new QueueStateMachine().restore(neverDelivered.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("never delivered"), e.getMessage());
        String fine = lost.replace("\"enqueuedTotal\":2", "\"enqueuedTotal\":1");
        new QueueStateMachine().restore(fine.getBytes(StandardCharsets.UTF_8));
    }
}
