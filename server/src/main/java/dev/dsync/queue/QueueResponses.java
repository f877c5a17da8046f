package dev.dsync.queue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.statemachine.ApplyResult;
import java.util.List;

/** The JSON bodies of the queue service's answers. */
final class QueueResponses {
    static final String NO_SUCH_MESSAGE = "no such message: unknown id, or already acknowledged";
    static final String STALE_RECEIPT = "stale receipt: the message was delivered again since";
    static final String NEVER_DELIVERED = "the message has not been delivered yet";
    static final String NOT_IN_FLIGHT = "the delivery already ended (visibility timeout or an earlier nack)";

    private QueueResponses() {}

    static ApplyResult enqueued(QueueMessage m) {
        ObjectNode body = ApplyResult.object();
        body.put("msg_id", m.id);
        body.put("partition", m.partition);
        return ApplyResult.ok(body);
    }

    static ApplyResult delivered(QueueMessage m) {
        ObjectNode body = ApplyResult.object();
        body.put("msg_id", m.id);
        body.put("key", m.key);
        body.set("value", m.value);
        body.put("receipt", m.receipt());
        body.put("delivery_count", m.deliveries);
        body.put("queue", m.queue);
        body.put("partition", m.partition);
        body.put("visible_at_ms", m.leaseDeadlineMs);
        return ApplyResult.ok(body);
    }

    static ApplyResult empty() {
        return ApplyResult.ok(ApplyResult.object().put("empty", true));
    }

    static ApplyResult acked(long msgId) {
        return ApplyResult.ok(ApplyResult.object().put("acked", true).put("msg_id", msgId));
    }

    static ApplyResult nacked(QueueMessage m, boolean deadLettered) {
        ObjectNode body = ApplyResult.object().put("nacked", true).put("msg_id", m.id);
        if (deadLettered) {
            body.put("dead_lettered", true).put("queue", m.queue);
        } else {
            body.put("ready_at_ms", m.readyAtMs);
        }
        return ApplyResult.ok(body);
    }

    static ApplyResult expired(List<Long> redelivered, List<Long> deadLettered) {
        ObjectNode body = ApplyResult.object();
        redelivered.forEach(body.putArray("redeliverable")::add);
        deadLettered.forEach(body.putArray("dead_lettered")::add);
        return ApplyResult.ok(body);
    }

    static ApplyResult malformed() {
        return ApplyResult.error(400, "malformed queue command");
    }
}
