package dev.dsync.checker.queue;

import dev.dsync.checker.history.Operation;
import dev.dsync.checker.history.Outcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Per-key FIFO of a queue: messages with one {@code msg_key} are first delivered in enqueue
 * order, and a key's next message is not delivered while an earlier one is in a live delivery.
 * Only surely-ordered pairs count: m1 is before m2 when an enqueue of m1 completed ok before
 * any enqueue of m2 was invoked. A message's key comes from its enqueue's {@code msg_key} field
 * or from a delivery that names it.
 */
final class QueueKeyOrder {
    private final Consumer<String> flag;

    QueueKeyOrder(Consumer<String> flag) {
        this.flag = flag;
    }

    /** What is known of one message. */
    private static final class Msg {
        final String message;
        String key;
        long enqueuedBy = Long.MAX_VALUE;      // earliest ok enqueue completion
        long enqueueStart = Long.MAX_VALUE;    // earliest enqueue invoke
        Delivery first;                        // the delivery with the earliest completion
        long firstInvoke = Long.MAX_VALUE;     // earliest delivery invoke
        final List<Delivery> deliveries = new ArrayList<>();

        Msg(String message) {
            this.message = message;
        }
    }

    void check(List<Operation> ops, Map<String, List<Delivery>> byMessage, Map<String, List<Operation>> settles) {
        Map<String, Msg> msgs = new LinkedHashMap<>();
        for (Operation op : ops) {
            if (!op.f().equals("enqueue") || op.outcome() == Outcome.FAIL || op.invokeValue() == null) {
                continue;
            }
            Msg m = msgs.computeIfAbsent(op.invokeValue().toString(), Msg::new);
            var key = op.invokeExtra("msg_key");
            if (key != null && m.key == null) {
                m.key = key.asText();
            }
            m.enqueueStart = Math.min(m.enqueueStart, op.invokeTime());
            if (op.outcome() == Outcome.OK) {
                m.enqueuedBy = Math.min(m.enqueuedBy, op.completeTime());
            }
        }
        byMessage.forEach((message, ds) -> {
            Msg m = msgs.get(message);
            if (m == null) {
                return; // never enqueued: the accounting reports it as unexpected
            }
            for (Delivery d : ds) {
                if (m.key == null && d.msgKey() != null) {
                    m.key = d.msgKey();
                }
                if (m.first == null || d.complete() < m.first.complete()) {
                    m.first = d;
                }
                m.firstInvoke = Math.min(m.firstInvoke, d.invoke());
                m.deliveries.add(d);
            }
        });
        Map<String, List<Msg>> byKey = new HashMap<>();
        msgs.values().stream().filter(m -> m.key != null)
                .forEach(m -> byKey.computeIfAbsent(m.key, k -> new ArrayList<>()).add(m));
        byKey.forEach((key, list) -> {
            firstDeliveriesInOrder(key, list);
            noneWhileEarlierLive(key, list, settles);
        });
    }

    /**
     * Sweep in enqueue-start order, keeping the surely-earlier messages (ok-enqueued before this
     * one started) and the one among them whose first delivery started last: if that start is
     * after this message's first delivery completed, they were surely first delivered out of order.
     */
    private void firstDeliveriesInOrder(String key, List<Msg> list) {
        List<Msg> byStart = new ArrayList<>(list);
        byStart.sort(Comparator.comparingLong(m -> m.enqueueStart));
        List<Msg> byEnqueued = new ArrayList<>(list);
        // A dead-lettered message leaves its key's order: the key's next message may go first. Deliveries
        // with unknown outcome can dead-letter a message unseen, so one that ended in the DLQ is no witness.
        byEnqueued.removeIf(m -> m.enqueuedBy == Long.MAX_VALUE || m.first == null
                || m.deliveries.stream().anyMatch(d -> d.op().f().equals("drain-dlq")));
        byEnqueued.sort(Comparator.comparingLong(m -> m.enqueuedBy));
        int next = 0;
        Msg latest = null;
        for (Msg m2 : byStart) {
            while (next < byEnqueued.size() && byEnqueued.get(next).enqueuedBy < m2.enqueueStart) {
                Msg m1 = byEnqueued.get(next++);
                if (latest == null || m1.firstInvoke > latest.firstInvoke) {
                    latest = m1;
                }
            }
            if (m2.first != null && latest != null && latest.firstInvoke > m2.first.complete()) {
                flag.accept("key " + key + " out of order: message " + latest.message + " was enqueued (ok by "
                        + TimedQueueChecks.seconds(latest.enqueuedBy) + ") before message " + m2.message + " (invoked "
                        + TimedQueueChecks.seconds(m2.enqueueStart) + "), but " + m2.first.describe()
                        + " delivered the later one before any delivery of the earlier one began ("
                        + TimedQueueChecks.seconds(latest.firstInvoke) + ")");
            }
        }
    }

    /**
     * m2 (after m1 in key order) must not be handed out while a delivery of m1 is surely live.
     * Candidates are found by invoke time (sorted), so the cost is the number of deliveries
     * invoked inside some live window, not the square of the key's deliveries.
     */
    private void noneWhileEarlierLive(String key, List<Msg> list, Map<String, List<Operation>> settles) {
        Map<String, Msg> msgOf = new HashMap<>();
        List<Delivery> all = new ArrayList<>();
        for (Msg m : list) {
            msgOf.put(m.message, m);
            m.deliveries.stream().filter(Delivery::isDequeue).forEach(all::add);
        }
        all.sort(Comparator.comparingLong(Delivery::invoke));
        long[] invokes = all.stream().mapToLong(Delivery::invoke).toArray();
        for (Delivery d1 : all) {
            if (d1.visibilityNanos() < 0) {
                continue;
            }
            Msg m1 = msgOf.get(d1.message());
            long liveUntil = d1.invoke() + d1.visibilityNanos();
            int i = upperBound(invokes, d1.complete());
            for (; i < all.size() && invokes[i] < liveUntil; i++) {
                Delivery d2 = all.get(i);
                Msg m2 = msgOf.get(d2.message());
                if (m2 != m1 && m1.enqueuedBy < m2.enqueueStart && d2.complete() < liveUntil
                        && !mayHaveEnded(d1, d2.complete(), settles)) {
                    flag.accept("key " + key + ": message " + m2.message + " was delivered while the earlier message "
                            + m1.message + " was still in a live delivery: " + d1.describe()
                            + " kept it until at least " + TimedQueueChecks.seconds(liveUntil)
                            + " with no ack or nack before, yet " + d2.describe() + " handed out the later one");
                }
            }
        }
    }

    /**
     * Whether an ack or nack of {@code d1}'s receipt, ok or with unknown outcome, was invoked before
     * {@code before}: an ack that took effect unseen removed the message, freeing its key for the next.
     */
    private static boolean mayHaveEnded(Delivery d1, long before, Map<String, List<Operation>> settles) {
        if (d1.receipt() == null) {
            return true;
        }
        for (Operation s : settles.getOrDefault(d1.receipt(), List.of())) {
            if (s.invokeTime() < before) {
                return true;
            }
        }
        return false;
    }

    /** The first index whose value is greater than {@code t} ({@code a} sorted ascending). */
    private static int upperBound(long[] a, long t) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
