package dev.dsync.checker.queue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.checker.history.HistoryFormatException;
import dev.dsync.checker.history.Operation;
import dev.dsync.checker.history.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accounting checker for at-least-once queues with a final drain. Messages are identified by
 * their value (compact JSON text), so enqueued values should be unique.
 *
 * <p>Operations: {@code enqueue v}; {@code dequeue} whose ok value is a message, null (empty)
 * or an array of messages; {@code drain} whose ok value is an array of messages. Deliveries
 * are counted only from ok dequeues and drains; a dequeue with unknown outcome delivered
 * nothing we can see (at-least-once redelivers it if it was not acknowledged).
 *
 * <p>Valid iff nothing is lost, nothing unexpected and no timed check fails; duplicates are
 * counted and reported. Newer histories also have receipts, visibility and message keys
 * (dequeue ok value {@code {"value":v,"msg_id":..,"receipt":..,"delivery_count":..,"msg_key":..}},
 * {@code ack}, {@code nack}, {@code drain-dlq}); the timed checks on them are in
 * {@link TimedQueueChecks} and {@link QueueKeyOrder}. A dead-lettered message that a
 * {@code drain-dlq} returns counts as delivered.
 */
public final class TotalQueueChecker {
    public static final int MAX_LISTED = 1000;

    /** Per message: enqueue outcomes seen and number of deliveries. */
    private static final class Tally {
        final JsonNode value;
        int ok;
        int info;
        int fail;
        int deliveries;

        Tally(JsonNode value) {
            this.value = value;
        }
    }

    private TotalQueueChecker() {
    }

    public static QueueReport check(List<Operation> ops) {
        return check(ops, dev.dsync.checker.CheckOptions.DEFAULT_RHO);
    }

    /** @param rho clock drift allowance for the timed checks (a visibility of v surely lasts v x (1 - rho)) */
    public static QueueReport check(List<Operation> ops, double rho) {
        Map<String, Tally> tallies = new LinkedHashMap<>();
        List<Delivery> deliveries = new ArrayList<>();
        boolean drained = false;
        for (Operation op : ops) {
            switch (op.f()) {
                case "enqueue" -> {
                    if (op.invokeValue() == null) {
                        throw new HistoryFormatException(op.invokeLine(), "enqueue needs a non-null value");
                    }
                    Tally t = tally(tallies, op.invokeValue());
                    switch (op.outcome()) {
                        case OK -> t.ok++;
                        case INFO -> t.info++;
                        case FAIL -> t.fail++;
                    }
                }
                case "dequeue", "drain", "drain-dlq" -> {
                    if (op.outcome() != Outcome.OK) {
                        continue;
                    }
                    drained |= op.f().equals("drain");
                    JsonNode r = op.resultValue();
                    if (!op.f().equals("dequeue") && r != null && !r.isArray()) {
                        throw new HistoryFormatException(op.invokeLine(), op.f() + " result must be an array, found " + r);
                    }
                    for (Delivery d : Delivery.of(op, rho)) {
                        deliveries.add(d);
                        tally(tallies, d.value()).deliveries++;
                    }
                }
                case "ack", "nack" -> {
                    // Checked by the timed checks (receipts); no effect on the accounting.
                }
                default -> throw new HistoryFormatException(op.invokeLine(), "model total-queue has no operation '"
                        + op.f() + "' (expected enqueue, dequeue, ack, nack, drain, drain-dlq)");
            }
        }
        TimedQueueChecks.Violations v = TimedQueueChecks.check(ops, deliveries);
        return classify(tallies, drained, v);
    }

    private static Tally tally(Map<String, Tally> tallies, JsonNode v) {
        return tallies.computeIfAbsent(v.toString(), k -> new Tally(v));
    }

    private static QueueReport classify(Map<String, Tally> tallies, boolean drained, TimedQueueChecks.Violations timed) {
        List<JsonNode> lost = new ArrayList<>();
        List<JsonNode> unexpected = new ArrayList<>();
        List<JsonNode> duplicated = new ArrayList<>();
        List<JsonNode> recovered = new ArrayList<>();
        int[] counts = new int[7]; // attempted, acked, delivered, lost, unexpected, duplicated, recovered
        long extra = 0;
        for (Tally t : tallies.values()) {
            int enqueues = t.ok + t.info;
            counts[0] += enqueues > 0 ? 1 : 0;
            counts[1] += t.ok > 0 ? 1 : 0;
            counts[2] += t.deliveries > 0 ? 1 : 0;
            if (t.ok > 0 && t.deliveries == 0) {
                counts[3]++;
                add(lost, t.value);
            }
            if (t.deliveries > 0 && enqueues == 0) {
                counts[4]++;
                add(unexpected, t.value);
            }
            if (enqueues > 0 && t.deliveries > enqueues) {
                counts[5]++;
                extra += t.deliveries - enqueues;
                add(duplicated, t.value);
            }
            if (t.ok == 0 && t.info > 0 && t.deliveries > 0) {
                counts[6]++;
                add(recovered, t.value);
            }
        }
        return new QueueReport(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], extra, counts[6],
                lost, unexpected, duplicated, recovered, drained, timed.count(), timed.examples());
    }

    private static void add(List<JsonNode> list, JsonNode v) {
        if (list.size() < MAX_LISTED) {
            list.add(v);
        }
    }
}
