package dev.dsync.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.statemachine.LogDriver;
import java.util.List;

/** Drives a {@link QueueStateMachine} like the log would: increasing indexes, checked invariants. */
final class QueueHarness extends LogDriver<QueueStateMachine> {
    static final long VISIBILITY = 30_000;

    QueueHarness() {
        super(new QueueStateMachine(), QueueInvariants::check);
    }

    ApplyResult run(QueueCommand command) {
        return raw(command.encode());
    }

    /** Enqueues to the default queue; returns the msg id. */
    long enq(String key, String value) {
        return enq("default", key, value, 5);
    }

    long enq(String queue, String key, String value, int maxDeliveries) {
        ApplyResult r = run(new QueueCommand.Enqueue(queue, key, TextNode.valueOf(value), maxDeliveries));
        assertEquals(200, r.status(), r.body()::toString);
        assertEquals(index, r.body().get("msg_id").asLong());
        return index;
    }

    ApplyResult deq() {
        return deq("default", VISIBILITY);
    }

    ApplyResult deq(String queue, long visibilityMs) {
        return run(new QueueCommand.Dequeue(queue, "consumer", visibilityMs, QueueCommand.ANY_PARTITION));
    }

    ApplyResult ack(long id, String receipt) {
        return run(new QueueCommand.Ack(id, receipt));
    }

    ApplyResult nack(long id, String receipt, long delayMs) {
        return run(new QueueCommand.Nack(id, receipt, delayMs));
    }

    /** What the leader would propose now. */
    ApplyResult expireDue() {
        return run(new QueueCommand.ExpireLeases(sm.expiredLeases(nowMs, 1_000)));
    }

    static boolean isEmpty(ApplyResult r) {
        return r.status() == 200 && r.body().path("empty").asBoolean();
    }

    /** Asserts a delivery of {@code id} (value "v<id>" by convention is not assumed) and returns its receipt. */
    static String assertDelivered(ApplyResult r, long id, int deliveryCount) {
        assertEquals(200, r.status(), r.body()::toString);
        JsonNode body = r.body();
        assertEquals(id, body.path("msg_id").asLong(), body::toString);
        assertEquals(deliveryCount, body.path("delivery_count").asInt(), body::toString);
        assertEquals(id + "-" + deliveryCount, body.path("receipt").asText());
        return body.path("receipt").asText();
    }

    static void assertStatus(int status, ApplyResult r) {
        assertEquals(status, r.status(), r.body()::toString);
    }

    static List<Long> longs(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asLong).toList();
    }
}
