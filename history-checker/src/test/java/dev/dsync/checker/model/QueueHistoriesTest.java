package dev.dsync.checker.model;

import static dev.dsync.checker.Checks.assertVerdict;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dsync.checker.Result;
import dev.dsync.checker.Verdict;
import dev.dsync.checker.history.History;
import dev.dsync.checker.history.HistoryBuilder;
import dev.dsync.checker.queue.QueueReport;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-written fifo-queue and total-queue histories. */
class QueueHistoriesTest {

    @Test
    void fifoOrderIsRequired() {
        History ok = new HistoryBuilder()
                .invoke(0, "enqueue", "q", 1).ok(0, "enqueue", "q", 1)
                .invoke(0, "enqueue", "q", 2).ok(0, "enqueue", "q", 2)
                .invoke(1, "dequeue", "q", null).ok(1, "dequeue", "q", 1)
                .invoke(1, "dequeue", "q", null).ok(1, "dequeue", "q", 2)
                .invoke(1, "dequeue", "q", null).ok(1, "dequeue", "q", null).build();
        assertVerdict(Verdict.VALID, "fifo-queue", ok);
        History reordered = new HistoryBuilder()
                .invoke(0, "enqueue", "q", 1).ok(0, "enqueue", "q", 1)
                .invoke(0, "enqueue", "q", 2).ok(0, "enqueue", "q", 2)
                .invoke(1, "dequeue", "q", null).ok(1, "dequeue", "q", 2).build();
        Result r = assertVerdict(Verdict.INVALID, "fifo-queue", reordered);
        assertEquals("queue [1, 2]", r.keys().get(0).counterexample().stateAtFailure());
    }

    @Test
    void fifoConcurrentEnqueuesMayLandInEitherOrder() {
        History h = new HistoryBuilder()
                .invoke(0, "enqueue", "q", 1).invoke(1, "enqueue", "q", 2)
                .ok(0, "enqueue", "q", 1).ok(1, "enqueue", "q", 2)
                .invoke(2, "dequeue", "q", null).ok(2, "dequeue", "q", 2)
                .invoke(2, "dequeue", "q", null).ok(2, "dequeue", "q", 1).build();
        assertVerdict(Verdict.VALID, "fifo-queue", h);
    }

    @Test
    void fifoRedeliveryIsInvalidAndInfoEnqueueMayTakeEffect() {
        History dup = new HistoryBuilder()
                .invoke(0, "enqueue", "q", 1).ok(0, "enqueue", "q", 1)
                .invoke(1, "dequeue", "q", null).ok(1, "dequeue", "q", 1)
                .invoke(1, "dequeue", "q", null).ok(1, "dequeue", "q", 1).build();
        assertVerdict(Verdict.INVALID, "fifo-queue", dup);
        History info = new HistoryBuilder()
                .invoke(0, "enqueue", "q", 7).info(0, "enqueue", "q", 7)
                .invoke(1, "dequeue", "q", null).ok(1, "dequeue", "q", 7).build();
        assertVerdict(Verdict.VALID, "fifo-queue", info);
        History emptyAfterAck = new HistoryBuilder()
                .invoke(0, "enqueue", "q", 7).ok(0, "enqueue", "q", 7)
                .invoke(1, "dequeue", "q", null).ok(1, "dequeue", "q", null).build();
        assertVerdict(Verdict.INVALID, "fifo-queue", emptyAfterAck);
    }

    private static HistoryBuilder base() {
        return new HistoryBuilder()
                .invoke(0, "enqueue", "q", 1).ok(0, "enqueue", "q", 1)
                .invoke(0, "enqueue", "q", 2).ok(0, "enqueue", "q", 2)
                .invoke(1, "enqueue", "q", 3).info(1, "enqueue", "q", 3)
                .invoke(2, "enqueue", "q", 4).fail(2, "enqueue", "q", 4);
    }

    private static QueueReport queue(Result r) {
        return r.keys().get(0).queue();
    }

    @Test
    void totalQueueAllDeliveredIsValidAndCountsRecovered() {
        History h = base().invoke(3, "dequeue", "q", null).ok(3, "dequeue", "q", 1)
                .invoke(3, "drain", "q", null).ok(3, "drain", "q", List.of(2, 3)).build();
        QueueReport q = queue(assertVerdict(Verdict.VALID, "total-queue", h));
        assertEquals(1, q.recoveredCount());
        assertEquals(0, q.duplicatedCount());
        assertTrue(q.drained());
    }

    @Test
    void totalQueueLostMessage() {
        History h = base().invoke(3, "drain", "q", null).ok(3, "drain", "q", List.of(1)).build();
        QueueReport q = queue(assertVerdict(Verdict.INVALID, "total-queue", h));
        assertEquals(1, q.lostCount());
        assertEquals("2", q.lost().get(0).toString());
    }

    @Test
    void totalQueueUnexpectedMessage() {
        History h = base().invoke(3, "drain", "q", null).ok(3, "drain", "q", List.of(1, 2, 4)).build();
        QueueReport q = queue(assertVerdict(Verdict.INVALID, "total-queue", h));
        assertEquals(1, q.unexpectedCount());
        assertEquals("4", q.unexpected().get(0).toString());
    }

    @Test
    void totalQueueDuplicateIsCountedButValid() {
        History h = base().invoke(3, "dequeue", "q", null).ok(3, "dequeue", "q", 1)
                .invoke(3, "drain", "q", null).ok(3, "drain", "q", List.of(1, 2)).build();
        QueueReport q = queue(assertVerdict(Verdict.VALID, "total-queue", h));
        assertEquals(1, q.duplicatedCount());
        assertEquals(1, q.duplicateDeliveries());
    }
}
