package dev.dsync.checker.queue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.checker.history.Operation;
import dev.dsync.checker.history.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The total-queue checks that use time, receipts and message keys (docs/checker.md). Each one
 * flags only what no correct server can produce whatever the order of concurrent operations,
 * with leases measured as in the lock model (a visibility of v surely lasts v x (1 - rho) after
 * the dequeue's invoke). Histories without receipts, visibility or message keys get none of
 * them, so old histories are checked as before.
 */
final class TimedQueueChecks {
    static final int MAX_LISTED = 100;
    private final List<String> found = new ArrayList<>();
    private int count;

    private TimedQueueChecks() {
    }

    /** The violations found, at most {@link #MAX_LISTED} described, and their exact number. */
    record Violations(int count, List<String> examples) {
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }

    static Violations check(List<Operation> ops, List<Delivery> deliveries) {
        TimedQueueChecks c = new TimedQueueChecks();
        Map<String, List<Delivery>> byMessage = new LinkedHashMap<>();
        Map<String, Delivery> byReceipt = new HashMap<>();
        Map<Long, String> messageOfId = new HashMap<>();
        for (Delivery d : deliveries) {
            byMessage.computeIfAbsent(d.message(), k -> new ArrayList<>()).add(d);
            if (d.receipt() != null) {
                byReceipt.putIfAbsent(d.receipt(), d);
            }
            if (d.msgId() != null) {
                messageOfId.putIfAbsent(d.msgId(), d.message());
            }
        }
        List<Operation> settles = new ArrayList<>(); // acks and nacks
        Map<String, List<Operation>> settlesOfReceipt = new HashMap<>();
        for (Operation op : ops) {
            if ((op.f().equals("ack") || op.f().equals("nack")) && op.outcome() != Outcome.FAIL) {
                settles.add(op);
                String receipt = text(op.invokeValue(), "receipt");
                if (receipt != null) {
                    settlesOfReceipt.computeIfAbsent(receipt, k -> new ArrayList<>()).add(op);
                }
            }
        }
        c.twoLiveDeliveries(byMessage, settlesOfReceipt);
        c.deliveredAfterAck(ops, settles, byReceipt, messageOfId, byMessage);
        c.staleReceipts(settles, byReceipt, byMessage);
        c.oneMessagePerEnqueue(ops, byMessage);
        new QueueKeyOrder(c::flag).check(ops, byMessage, settlesOfReceipt);
        return new Violations(c.count, List.copyOf(c.found));
    }

    private void flag(String message) {
        count++;
        if (found.size() < MAX_LISTED) {
            found.add(message);
        }
    }

    static String text(JsonNode v, String field) {
        JsonNode f = v != null && v.isObject() ? v.get(field) : null;
        return f == null || f.isNull() ? null : f.asText();
    }

    /**
     * True if an ack or nack of {@code first}'s receipt may have taken effect before
     * {@code before} (ns): an ok one, or a nack with unknown outcome, invoked before it. (An ack
     * with unknown outcome that took effect would have removed the message for good.)
     */
    static boolean settledBefore(Delivery first, long before, Map<String, List<Operation>> settlesOfReceipt) {
        if (first.receipt() == null) {
            return true; // cannot tell which ack is this delivery's: assume the permissive case
        }
        for (Operation s : settlesOfReceipt.getOrDefault(first.receipt(), List.of())) {
            boolean counts = s.outcome() == Outcome.OK || s.f().equals("nack");
            if (counts && s.invokeTime() < before) {
                return true;
            }
        }
        return false;
    }

    /** No message in two live deliveries at once. */
    private void twoLiveDeliveries(Map<String, List<Delivery>> byMessage, Map<String, List<Operation>> settles) {
        for (List<Delivery> ds : byMessage.values()) {
            for (Delivery a : ds) {
                for (Delivery b : ds) {
                    if (a == b || !a.isDequeue() || !b.isDequeue() || a.receipt() == null || b.receipt() == null) {
                        continue;
                    }
                    boolean aFirst = a.surelyBefore(b);
                    boolean bFirst = b.surelyBefore(a);
                    if (bFirst || (!aFirst && a.op().id() > b.op().id())) {
                        continue; // consider each unordered pair once, from its first delivery
                    }
                    boolean overlap = overlaps(a, b, settles) && (aFirst || overlaps(b, a, settles));
                    if (overlap) {
                        flag(a.name() + " was in two live deliveries at once: " + a.describe()
                                + " kept it invisible until at least " + seconds(a.invoke() + a.visibilityNanos())
                                + ", yet " + b.describe() + " got it" + (aFirst ? "" : " (in either order)")
                                + ", with no ack or nack of receipt " + a.receipt() + " before");
                    }
                }
            }
        }
    }

    /** True if {@code second}, granted after {@code first}, surely came inside first's invisible window. */
    private static boolean overlaps(Delivery first, Delivery second, Map<String, List<Operation>> settles) {
        return first.visibilityNanos() >= 0 && second.complete() < first.invoke() + first.visibilityNanos()
                && !settledBefore(first, second.complete(), settles);
    }

    /** Nothing delivered after an ok ack of it. */
    private void deliveredAfterAck(List<Operation> ops, List<Operation> settles, Map<String, Delivery> byReceipt,
                                   Map<Long, String> messageOfId, Map<String, List<Delivery>> byMessage) {
        Map<String, Long> lastEnqueueInvoke = new HashMap<>();
        for (Operation op : ops) {
            if (op.f().equals("enqueue") && op.outcome() != Outcome.FAIL && op.invokeValue() != null) {
                lastEnqueueInvoke.merge(op.invokeValue().toString(), op.invokeTime(), Math::max);
            }
        }
        for (Operation ack : settles) {
            if (!ack.f().equals("ack") || ack.outcome() != Outcome.OK) {
                continue;
            }
            String receipt = text(ack.invokeValue(), "receipt");
            Delivery d = receipt == null ? null : byReceipt.get(receipt);
            String message = d != null ? d.message() : null;
            JsonNode id = ack.invokeValue() == null ? null : ack.invokeValue().get("msg_id");
            if (message == null && id != null && id.canConvertToLong()) {
                message = messageOfId.get(id.asLong());
            }
            if (message == null || lastEnqueueInvoke.getOrDefault(message, Long.MIN_VALUE) > ack.completeTime()) {
                continue; // unknown message, or enqueued again afterwards
            }
            for (Delivery later : byMessage.getOrDefault(message, List.of())) {
                if (later.invoke() > ack.completeTime()) {
                    flag(later.name() + " was delivered after its ack: ack of receipt " + receipt + " (p" + ack.process()
                            + " line " + ack.invokeLine() + ") completed ok at " + seconds(ack.completeTime()) + ", then "
                            + later.describe() + " returned it");
                }
            }
        }
    }

    /** An ack or nack whose receipt was superseded by a later delivery never answers ok. */
    private void staleReceipts(List<Operation> settles, Map<String, Delivery> byReceipt, Map<String, List<Delivery>> byMessage) {
        for (Operation s : settles) {
            String receipt = text(s.invokeValue(), "receipt");
            Delivery d = receipt == null ? null : byReceipt.get(receipt);
            if (s.outcome() != Outcome.OK || d == null) {
                continue;
            }
            for (Delivery newer : byMessage.get(d.message())) {
                if (newer.receipt() != null && !newer.receipt().equals(receipt) && d.surelyBefore(newer)
                        && newer.complete() < s.invokeTime()) {
                    flag(d.name() + ": " + s.f() + " with stale receipt " + receipt + " (p" + s.process() + " line "
                            + s.invokeLine() + ", invoked " + seconds(s.invokeTime()) + ") answered ok, although "
                            + newer.describe() + " had already handed out receipt " + newer.receipt());
                    break;
                }
            }
        }
    }

    /** An enqueue retried with the same request is one message: a value never gets two msg_ids. */
    private void oneMessagePerEnqueue(List<Operation> ops, Map<String, List<Delivery>> byMessage) {
        Map<String, TreeSet<Long>> ids = new LinkedHashMap<>();
        Map<String, String> request = new HashMap<>();
        for (Operation op : ops) {
            if (op.f().equals("enqueue") && op.invokeValue() != null) {
                String m = op.invokeValue().toString();
                JsonNode id = op.resultExtra("msg_id");
                if (op.outcome() == Outcome.OK && id != null && id.canConvertToLong()) {
                    ids.computeIfAbsent(m, k -> new TreeSet<>()).add(id.asLong());
                }
                JsonNode req = op.invokeExtra("request_id");
                if (req != null) {
                    JsonNode client = op.invokeExtra("client_id");
                    request.putIfAbsent(m, (client == null ? "" : "client " + client.asText() + " ") + "request " + req.asText());
                }
            }
        }
        byMessage.forEach((m, ds) -> ds.stream().filter(d -> d.msgId() != null)
                .forEach(d -> ids.computeIfAbsent(m, k -> new TreeSet<>()).add(d.msgId())));
        ids.forEach((m, set) -> {
            if (set.size() > 1) {
                flag("message " + m + " became " + set.size() + " messages (msg_ids " + set + ")"
                        + (request.containsKey(m) ? ": its enqueue (" + request.get(m) + ") was retried and not deduplicated"
                        : ": one enqueued value must be one message"));
            }
        });
    }
}
