package dev.dsync.checker.model;

import static dev.dsync.checker.Checks.assertVerdict;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dsync.checker.Result;
import dev.dsync.checker.Verdict;
import dev.dsync.checker.history.EventType;
import dev.dsync.checker.history.History;
import dev.dsync.checker.history.HistoryBuilder;
import dev.dsync.checker.queue.QueueReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hand-written total-queue histories with receipts, visibility and message keys: the timed checks. */
class TimedQueueHistoriesTest {
    private static final long MS = 1_000_000L;
    private static final Map<String, Object> DEQ = Map.of("visibility_ms", 2000, "consumer", "c");

    /** A builder that advances time by hand, so the tests can say when each event happens. */
    private static final class H {
        final HistoryBuilder b = new HistoryBuilder();

        H at(long ms) {
            b.at(ms * MS);
            return this;
        }

        H enqueue(int p, String v, String key, long id) {
            b.add(p, EventType.INVOKE, "enqueue", "q", v, null, key == null ? null : Map.of("msg_key", key));
            b.add(p, EventType.OK, "enqueue", "q", v, null, Map.of("msg_id", id));
            return this;
        }

        H dequeue(int p, String v, long id, int count) {
            return dequeue(p, v, id, count, null);
        }

        H dequeue(int p, String v, long id, int count, String key) {
            b.invoke(p, "dequeue", "q", DEQ);
            Map<String, Object> got = new java.util.HashMap<>(Map.of("value", v, "msg_id", id, "receipt", id + "-" + count,
                    "delivery_count", count));
            if (key != null) {
                got.put("msg_key", key);
            }
            b.ok(p, "dequeue", "q", got);
            return this;
        }

        H settle(int p, String f, long id, int count, boolean ok) {
            b.invoke(p, f, "q", Map.of("msg_id", id, "receipt", id + "-" + count));
            if (ok) {
                b.ok(p, f, "q", null);
            } else {
                b.add(p, EventType.FAIL, f, "q", null, Map.of("status", 409));
            }
            return this;
        }

        H drain(int p, List<String> vs) {
            b.invoke(p, "drain", "q", null).ok(p, "drain", "q", vs);
            return this;
        }

        History build() {
            return b.build();
        }
    }

    private static QueueReport queue(Result r) {
        return r.keys().get(0).queue();
    }

    @Test
    void redeliveryAfterTheVisibilityOrANackIsValid() {
        History h = new H().at(0).enqueue(0, "a", null, 1)
                .at(10).dequeue(1, "a", 1, 1)
                .at(2_200).dequeue(2, "a", 1, 2)               // visibility 2 s ran out (1.9 s surely)
                .at(2_300).settle(2, "nack", 1, 2, true)
                .at(2_400).dequeue(1, "a", 1, 3)               // after a nack: visible again
                .at(2_500).settle(1, "ack", 1, 3, true)
                .at(3_000).drain(3, List.of()).build();
        Result r = assertVerdict(Verdict.VALID, "total-queue", h);
        assertEquals(0, queue(r).timedViolationCount());
    }

    @Test
    void twoLiveDeliveriesAreInvalid() {
        History h = new H().at(0).enqueue(0, "a", null, 1)
                .at(10).dequeue(1, "a", 1, 1)
                .at(500).dequeue(2, "a", 1, 2)
                .at(600).settle(2, "ack", 1, 2, true)
                .at(3_000).drain(3, List.of()).build();
        Result r = assertVerdict(Verdict.INVALID, "total-queue", h);
        String v = queue(r).timedViolations().get(0);
        assertTrue(v.contains("two live deliveries") && v.contains("receipt 1-1") && v.contains("receipt 1-2")
                && v.contains("1.910 s"), v);
    }

    @Test
    void deliveryAfterAnOkAckIsInvalid() {
        History h = new H().at(0).enqueue(0, "a", null, 1)
                .at(10).dequeue(1, "a", 1, 1)
                .at(20).settle(1, "ack", 1, 1, true)
                .at(5_000).dequeue(2, "a", 1, 2)
                .at(6_000).drain(3, List.of()).build();
        Result r = assertVerdict(Verdict.INVALID, "total-queue", h);
        assertTrue(queue(r).timedViolations().stream().anyMatch(v -> v.contains("delivered after its ack")),
                queue(r).timedViolations().toString());
    }

    @Test
    void staleReceiptsMustNotBeAcceptedButMayBeRefused() {
        H base = new H().at(0).enqueue(0, "a", null, 1)
                .at(10).dequeue(1, "a", 1, 1)
                .at(2_500).dequeue(2, "a", 1, 2);
        History refused = new H().at(0).enqueue(0, "a", null, 1).at(10).dequeue(1, "a", 1, 1).at(2_500).dequeue(2, "a", 1, 2)
                .at(2_600).settle(1, "ack", 1, 1, false).at(2_700).settle(2, "ack", 1, 2, true).at(3_000).drain(3, List.of()).build();
        assertVerdict(Verdict.VALID, "total-queue", refused);
        History accepted = base.at(2_600).settle(1, "ack", 1, 1, true).at(3_000).drain(3, List.of()).build();
        Result r = assertVerdict(Verdict.INVALID, "total-queue", accepted);
        assertTrue(queue(r).timedViolations().stream().anyMatch(v -> v.contains("stale receipt 1-1")),
                queue(r).timedViolations().toString());
    }

    @Test
    void perKeyOrderIsChecked() {
        History inOrder = new H().at(0).enqueue(0, "a", "k", 1).at(10).enqueue(0, "b", "k", 2)
                .at(20).dequeue(1, "a", 1, 1, "k").at(30).settle(1, "ack", 1, 1, true)
                .at(40).dequeue(1, "b", 2, 1, "k").at(50).settle(1, "ack", 2, 1, true)
                .at(100).drain(2, List.of()).build();
        assertVerdict(Verdict.VALID, "total-queue", inOrder);
        History reversed = new H().at(0).enqueue(0, "a", "k", 1).at(10).enqueue(0, "b", "k", 2)
                .at(20).dequeue(1, "b", 2, 1, "k").at(30).settle(1, "ack", 2, 1, true)
                .at(40).dequeue(1, "a", 1, 1, "k").at(50).settle(1, "ack", 1, 1, true)
                .at(100).drain(2, List.of()).build();
        Result r = assertVerdict(Verdict.INVALID, "total-queue", reversed);
        assertTrue(queue(r).timedViolations().get(0).contains("out of order"), queue(r).timedViolations().toString());
        History whileLive = new H().at(0).enqueue(0, "a", "k", 1).at(10).enqueue(0, "b", "k", 2)
                .at(20).dequeue(1, "a", 1, 1, "k").at(30).dequeue(2, "b", 2, 1, "k")
                .at(40).settle(1, "ack", 1, 1, true).at(50).settle(2, "ack", 2, 1, true)
                .at(100).drain(2, List.of()).build();
        r = assertVerdict(Verdict.INVALID, "total-queue", whileLive);
        assertTrue(queue(r).timedViolations().get(0).contains("still in a live delivery"), queue(r).timedViolations().toString());
        // Other keys do not wait for each other.
        History otherKeys = new H().at(0).enqueue(0, "a", "k", 1).at(10).enqueue(0, "b", "j", 2)
                .at(20).dequeue(1, "a", 1, 1, "k").at(30).dequeue(2, "b", 2, 1, "j")
                .at(40).settle(1, "ack", 1, 1, true).at(50).settle(2, "ack", 2, 1, true)
                .at(100).drain(2, List.of()).build();
        assertVerdict(Verdict.VALID, "total-queue", otherKeys);
    }

    @Test
    void aRetriedEnqueueIsOneMessage() {
        HistoryBuilder b = new HistoryBuilder();
        Map<String, Object> req = Map.of("client_id", "p1", "request_id", "p1-7");
        b.at(0).add(0, EventType.INVOKE, "enqueue", "q", "a", null, req).at(MS).info(0, "enqueue", "q", "a");
        b.at(2 * MS).add(1, EventType.INVOKE, "enqueue", "q", "a", null, req).at(3 * MS)
                .add(1, EventType.OK, "enqueue", "q", "a", null, Map.of("msg_id", 5));
        b.at(4 * MS).invoke(2, "dequeue", "q", DEQ).ok(2, "dequeue", "q", Map.of("value", "a", "msg_id", 4, "receipt", "4-1"));
        b.at(6 * MS).invoke(2, "dequeue", "q", DEQ).ok(2, "dequeue", "q", Map.of("value", "a", "msg_id", 5, "receipt", "5-1"));
        b.at(8 * MS).invoke(3, "drain", "q", null).ok(3, "drain", "q", List.of());
        Result r = assertVerdict(Verdict.INVALID, "total-queue", b.build());
        assertTrue(queue(r).timedViolations().stream().anyMatch(v -> v.contains("msg_ids [4, 5]") && v.contains("request p1-7")),
                queue(r).timedViolations().toString());
    }

    @Test
    void deadLetteredMessagesDrainedFromTheDlqAreNotLost() {
        History h = new H().at(0).enqueue(0, "a", null, 1).at(10).dequeue(1, "a", 1, 1)
                .at(20).settle(1, "nack", 1, 1, true).b
                .at(100 * MS).invoke(2, "drain", "q", null).ok(2, "drain", "q", List.of())
                .invoke(2, "drain-dlq", "q", null).ok(2, "drain-dlq", "q", List.of("a")).build();
        assertVerdict(Verdict.VALID, "total-queue", h);
    }
}
