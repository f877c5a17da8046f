package dev.dsync.queue;

import static dev.dsync.queue.QueueHarness.assertDelivered;
import static dev.dsync.queue.QueueHarness.assertStatus;
import static dev.dsync.queue.QueueHarness.isEmpty;
import static dev.dsync.queue.QueueHarness.longs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.dsync.statemachine.ApplyResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueStateMachineTest {
    private final QueueHarness h = new QueueHarness();

    @Test
    void enqueueDeliverAckRoundTripKeepsKeyAndValue() throws Exception {
        JsonNode value = new ObjectMapper().readTree("{\"n\":[1,2.5,\"x\"],\"ok\":true}");
        ApplyResult enq = h.run(new QueueCommand.Enqueue("default", "order-7", value, 5));
        long id = enq.body().get("msg_id").asLong();
        assertEquals(PartitionRing.DEFAULT.partitionOf("order-7"), enq.body().get("partition").asInt());
        ApplyResult deq = h.deq();
        String receipt = assertDelivered(deq, id, 1);
        assertEquals("order-7", deq.body().get("key").asText());
        assertEquals(value, deq.body().get("value"));
        assertEquals(h.nowMs + QueueHarness.VISIBILITY, deq.body().get("visible_at_ms").asLong());
        assertTrue(isEmpty(h.deq()), "one live delivery per message");
        assertStatus(200, h.ack(id, receipt));
        assertStatus(404, h.ack(id, receipt));
        assertStatus(404, h.ack(id + 100, null));
        assertEquals(0, h.sm.messageCount());
        assertEquals(1, h.sm.ackedTotal());
    }

    @Test
    void jsonNullIsAValue() {
        h.run(new QueueCommand.Enqueue("default", "k", NullNode.getInstance(), 5));
        assertEquals(NullNode.getInstance(), h.deq().body().get("value"));
    }

    @Test
    void aKeysNextMessageWaitsWhileAnEarlierOneIsUnacked() {
        long a1 = h.enq("a", "1");
        long a2 = h.enq("a", "2");
        long b1 = h.enq("b", "1");
        String r1 = assertDelivered(h.deq(), a1, 1);
        assertDelivered(h.deq(), b1, 1);
        assertTrue(isEmpty(h.deq()), "a2 must wait for a1");
        assertStatus(200, h.ack(a1, r1));
        assertDelivered(h.deq(), a2, 1);
    }

    @Test
    void anExpiredDeliveryIsRedeliveredWithItsPayloadAndAHigherCount() {
        long id = h.enq("k", "payload");
        String first = assertDelivered(h.deq("default", 1_000), id, 1);
        h.nowMs += 1_000;
        assertEquals(List.of(), h.sm.expiredLeases(h.nowMs, 10), "deadline not yet passed");
        h.nowMs += 1;
        ApplyResult expired = h.expireDue();
        assertEquals(List.of(id), longs(expired.body().get("redeliverable")));
        ApplyResult again = h.deq();
        String second = assertDelivered(again, id, 2);
        assertEquals("k", again.body().get("key").asText());
        assertEquals("payload", again.body().get("value").asText());
        ApplyResult stale = h.ack(id, first);
        assertStatus(409, stale);
        assertTrue(stale.body().get("error").asText().contains("stale receipt"));
        assertStatus(200, h.ack(id, second));
        assertEquals(1, h.sm.redeliveredTotal());
        assertEquals(2, h.sm.deliveredTotal());
    }

    @Test
    void anExpiryProposedBeforeAnAckOrARenewedDeadlineChangesNothing() {
        long id = h.enq("k", "v");
        String receipt = assertDelivered(h.deq("default", 100), id, 1);
        h.nowMs += 500;
        List<Long> due = h.sm.expiredLeases(h.nowMs, 10);
        assertStatus(200, h.ack(id, receipt));
        assertEquals(List.of(), longs(h.run(new QueueCommand.ExpireLeases(due)).body().get("redeliverable")));
        long other = h.enq("j", "v");
        assertDelivered(h.deq("default", 100), other, 1);
        h.nowMs -= 10_000; // a leader with a slower clock: time stays at the maximum seen
        assertEquals(List.of(), longs(h.run(new QueueCommand.ExpireLeases(List.of(other))).body().get("redeliverable")));
        h.nowMs += 10_200;
        assertEquals(List.of(other), longs(h.expireDue().body().get("redeliverable")));
    }

    @Test
    void aLateAckOfTheLatestDeliveryIsAcceptedUntilTheMessageIsRedelivered() {
        long id = h.enq("k", "v");
        String receipt = assertDelivered(h.deq("default", 100), id, 1);
        h.nowMs += 200;
        h.expireDue();
        assertStatus(200, h.ack(id, receipt));
        assertTrue(isEmpty(h.deq()));
    }

    @Test
    void ackWithoutReceiptWorksForTheOriginalDemoButNotBeforeDelivery() {
        long id = h.enq("k", "v");
        ApplyResult early = h.ack(id, null);
        assertStatus(409, early);
        assertEquals(QueueResponses.NEVER_DELIVERED, early.body().get("error").asText());
        assertStatus(409, h.ack(id, id + "-0"));
        h.deq();
        assertStatus(200, h.ack(id, null));
    }

    @Test
    void afterMaxDeliveriesTheMessageMovesToTheDeadLetterQueueIntact() {
        long id = h.enq("orders", "k", "v", 2);
        for (int delivery = 1; delivery <= 2; delivery++) {
            assertDelivered(h.deq("orders", 100), id, delivery);
            h.nowMs += 101;
            ApplyResult expired = h.expireDue();
            assertEquals(delivery == 2 ? List.of(id) : List.of(), longs(expired.body().get("dead_lettered")));
        }
        assertTrue(isEmpty(h.deq("orders", 100)));
        JsonNode stats = h.sm.stats("orders");
        assertEquals(0, stats.get("depth").asInt());
        assertEquals(1, stats.get("dead_lettered").asInt());
        assertEquals(1, stats.get("dead_lettered_total").asInt());
        ApplyResult fromDlq = h.deq("orders.dlq", 100);
        String receipt = assertDelivered(fromDlq, id, 3);
        assertEquals("v", fromDlq.body().get("value").asText());
        assertEquals("orders.dlq", fromDlq.body().get("queue").asText());
        h.nowMs += 101;
        assertEquals(List.of(id), longs(h.expireDue().body().get("redeliverable")), "a dead-letter queue keeps its messages");
        assertDelivered(h.deq("orders.dlq", 100), id, 4);
        assertStatus(409, h.ack(id, receipt));
        assertStatus(200, h.ack(id, null));
        assertEquals(1, h.sm.deadLetteredTotal());
    }

    @Test
    void nackReturnsTheMessageAfterItsDelayAndKeepsTheKeyBlocked() {
        long first = h.enq("k", "1");
        long second = h.enq("k", "2");
        String receipt = assertDelivered(h.deq(), first, 1);
        ApplyResult nacked = h.nack(first, receipt, 5_000);
        assertStatus(200, nacked);
        assertEquals(h.nowMs + 5_000, nacked.body().get("ready_at_ms").asLong());
        assertStatus(409, h.nack(first, receipt, 0));
        assertTrue(isEmpty(h.deq()), "the second message must not overtake the delayed first");
        assertEquals(new QueueStateMachine.Peek(false, h.nowMs + 5_000), h.sm.peek("default", -1, h.nowMs));
        h.nowMs += 5_000;
        assertTrue(h.sm.peek("default", -1, h.nowMs).ready());
        String again = assertDelivered(h.deq(), first, 2);
        assertStatus(409, h.nack(first, receipt, 0));
        assertStatus(200, h.nack(first, again, 0));
        h.ack(first, assertDelivered(h.deq(), first, 3));
        assertDelivered(h.deq(), second, 1);
    }

    @Test
    void aNackOfTheLastAllowedDeliveryDeadLetters() {
        long id = h.enq("q", "k", "v", 1);
        ApplyResult nacked = h.nack(id, assertDelivered(h.deq("q", 100), id, 1), 0);
        assertEquals(true, nacked.body().get("dead_lettered").asBoolean());
        assertDelivered(h.deq("q.dlq", 100), id, 2);
    }

    @Test
    void theOldestDeliverableMessageGoesFirstAcrossPartitions() {
        long[] ids = new long[20];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = h.enq("key-" + i, "v");
        }
        for (long id : ids) {
            assertDelivered(h.deq(), id, 1);
        }
    }

    @Test
    void aDequeueMayBeLimitedToOnePartition() {
        long id = h.enq("k", "v");
        int own = PartitionRing.DEFAULT.partitionOf("k");
        int other = (own + 1) % PartitionRing.PARTITIONS;
        assertTrue(isEmpty(h.run(new QueueCommand.Dequeue("default", "c", 100, other))));
        assertDelivered(h.run(new QueueCommand.Dequeue("default", "c", 100, own)), id, 1);
    }

    @Test
    void statsCountWaitingAndInFlightPerPartition() {
        h.enq("a", "1");
        h.enq("a", "2");
        h.enq("b", "1");
        h.deq();
        JsonNode stats = h.sm.stats("default");
        assertEquals(2, stats.get("depth").asInt());
        assertEquals(1, stats.get("in_flight").asInt());
        assertEquals(PartitionRing.PARTITIONS, stats.get("partitions").size());
        int pa = PartitionRing.DEFAULT.partitionOf("a");
        JsonNode partA = stats.get("partitions").get(pa);
        assertEquals(pa, partA.get("partition").asInt());
        assertEquals(1, partA.get("in_flight").asInt());
        int depthSum = 0;
        for (JsonNode p : stats.get("partitions")) {
            depthSum += p.get("depth").asInt();
        }
        assertEquals(2, depthSum);
        assertEquals(0, h.sm.stats("nothing-here").get("depth").asInt());
    }

    @Test
    void malformedCommandsAreRefusedAndChangeNothing() {
        h.enq("k", "v");
        byte[] before = h.sm.snapshot();
        for (String bad : List.of("junk", "{}", "{\"op\":\"enqueue\"}", "{\"op\":\"ack\",\"msgId\":0,\"receipt\":null}",
                "{\"op\":\"enqueue\",\"queue\":\"x.dlq\",\"key\":\"k\",\"value\":1,\"maxDeliveries\":5}")) {
            h.nowMs += 0;
            assertStatus(400, h.raw(bad.getBytes(StandardCharsets.UTF_8)));
        }
        assertArrayEquals(before, h.sm.snapshot());
    }
}
