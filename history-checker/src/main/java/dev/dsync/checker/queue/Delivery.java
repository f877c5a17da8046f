package dev.dsync.checker.queue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.checker.history.Operation;
import java.util.ArrayList;
import java.util.List;

/**
 * One message handed out by an ok {@code dequeue}, {@code drain} or {@code drain-dlq}.
 *
 * <p>A dequeue's ok value is either the message itself (old histories), null, an array, or
 * {@code {"value":v,"msg_id":12,"receipt":"12-1","delivery_count":1,"msg_key":"k3"}}; only the
 * last form carries a receipt. Fields not reported are null, {@code visibilityNanos} is -1 when
 * the dequeue named no {@code visibility_ms}.
 *
 * @param message         the message's identity: the compact JSON text of its value
 * @param visibilityNanos how long the delivery surely stays invisible to others, after the
 *                        dequeue's invoke: visibility_ms x (1 - rho)
 */
record Delivery(Operation op, JsonNode value, String message, Long msgId, String receipt, Integer count,
                String msgKey, long visibilityNanos) {

    long invoke() {
        return op.invokeTime();
    }

    long complete() {
        return op.completeTime();
    }

    boolean isDequeue() {
        return op.f().equals("dequeue");
    }

    /** True iff this delivery was surely granted before {@code other} (by delivery count, else by real time). */
    boolean surelyBefore(Delivery other) {
        if (count != null && other.count != null && !count.equals(other.count)) {
            return count < other.count;
        }
        return complete() < other.invoke();
    }

    /** The deliveries of one ok dequeue or drain (none for an empty dequeue). */
    static List<Delivery> of(Operation op, double rho) {
        List<Delivery> out = new ArrayList<>();
        JsonNode r = op.resultValue();
        if (r == null) {
            return out;
        }
        long vis = -1;
        JsonNode iv = op.invokeValue();
        if (op.f().equals("dequeue") && iv != null && iv.isObject() && iv.path("visibility_ms").isNumber()) {
            vis = (long) Math.floor(iv.get("visibility_ms").asLong() * 1_000_000.0 * (1 - rho));
        }
        for (JsonNode m : r.isArray() ? r : List.of(r)) {
            out.add(parse(op, m, vis));
        }
        return out;
    }

    private static Delivery parse(Operation op, JsonNode m, long vis) {
        if (m.isObject() && m.has("value") && m.has("receipt")) {
            JsonNode v = m.get("value");
            JsonNode id = m.get("msg_id");
            JsonNode count = m.get("delivery_count");
            JsonNode key = m.get("msg_key");
            return new Delivery(op, v, v.toString(), id != null && id.canConvertToLong() ? id.asLong() : null,
                    m.get("receipt").asText(), count != null && count.canConvertToInt() ? count.asInt() : null,
                    key == null || key.isNull() ? null : key.asText(), vis);
        }
        return new Delivery(op, m, m.toString(), null, null, null, null, -1);
    }

    /** For messages: {@code message v (msg_id 12)}. */
    String name() {
        return "message " + value + (msgId == null ? "" : " (msg_id " + msgId + ")");
    }

    /** For messages: {@code delivery receipt 12-1 (p3 dequeue, 1.200-1.250 s)}. */
    String describe() {
        return (receipt == null ? "delivery" : "delivery receipt " + receipt) + " (p" + op.process() + " " + op.f()
                + " line " + op.invokeLine() + ", " + TimedQueueChecks.seconds(invoke()) + "–"
                + TimedQueueChecks.seconds(complete()) + ")";
    }
}
