package dev.dsync.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.queue.QueueCommand.Ack;
import dev.dsync.queue.QueueCommand.Dequeue;
import dev.dsync.queue.QueueCommand.Enqueue;
import dev.dsync.queue.QueueCommand.ExpireDeliveries;
import dev.dsync.queue.QueueCommand.ExpireLeases;
import dev.dsync.queue.QueueCommand.Nack;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.statemachine.StateMachine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The message queue's replicated state machine: at-least-once delivery with leases, acks, nacks,
 * redelivery after a visibility timeout, dead-lettering after {@code max_deliveries}, and per-key
 * FIFO order (a key's next message waits while an earlier one is unacknowledged). Pure and
 * deterministic: time is the highest command time seen; the queries below change nothing.
 */
public final class QueueStateMachine implements StateMachine {
    // Volatile (and the table's storedBytes too) so the leader's admission check on a request thread sees the
    // latest apply: a client that got its enqueue answered must see that message counted against the limit.
    private volatile QueueTable table = new QueueTable();
    private final PartitionRing ring = PartitionRing.DEFAULT;

    /** What a dequeue would find: whether something is deliverable at the given time, else when next. */
    public record Peek(boolean ready, long nextReadyAtMs) {}

    @Override
    public ApplyResult apply(long index, long nowMs, byte[] command) {
        table.clockMs = Math.max(table.clockMs, nowMs);
        QueueCommand decoded;
        try {
            decoded = QueueCommand.decode(command);
        } catch (IllegalArgumentException e) {
            // Every replica refuses the same bytes the same way; throwing would halt them all.
            return QueueResponses.malformed();
        }
        return switch (decoded) {
            case Enqueue e -> enqueue(index, e);
            case Dequeue d -> dequeue(d);
            case Ack a -> ack(a);
            case Nack n -> nack(n);
            case ExpireLeases x -> expire(x.msgIds(), m -> m.leaseDeadlineMs < table.clockMs);
            case ExpireDeliveries x -> expireDeliveries(x);
        };
    }

    private ApplyResult enqueue(long index, Enqueue e) {
        assert table.messages.isEmpty() || table.messages.lastKey() < index : "message ids must increase";
        QueueMessage m = new QueueMessage(index, e.queue(), e.key(), e.value(), ring.partitionOf(e.key()),
                e.maxDeliveries(), table.clockMs);
        table.insert(m);
        table.enqueuedTotal++;
        return QueueResponses.enqueued(m);
    }

    /** Leases the oldest deliverable message (lowest id) over the chosen partitions, if any. */
    private ApplyResult dequeue(Dequeue d) {
        QueueTable.NamedQueue queue = table.queues.get(d.queue());
        if (queue == null) {
            return QueueResponses.empty();
        }
        Partition from = null;
        for (Partition p : queue.partitions) {
            if (d.partition() != QueueCommand.ANY_PARTITION && p.number != d.partition()) {
                continue;
            }
            p.promote(table.clockMs);
            if (!p.ready.isEmpty() && (from == null || p.ready.first() < from.ready.first())) {
                from = p;
            }
        }
        if (from == null) {
            return QueueResponses.empty();
        }
        QueueMessage m = table.messages.get(from.ready.first());
        table.lease(m, d.consumerId(), table.clockMs + d.visibilityMs(), d.visibilityMs());
        table.deliveredTotal++;
        if (m.deliveries > 1) {
            table.redeliveredTotal++;
        }
        return QueueResponses.delivered(m);
    }

    /**
     * Removes a delivered message. A receipt must be the latest delivery's (409 if it was delivered
     * again since); a late ack of the latest delivery is accepted even after its visibility timeout,
     * as long as nobody else has received the message since.
     */
    private ApplyResult ack(Ack a) {
        QueueMessage m = table.messages.get(a.msgId());
        if (m == null) {
            return ApplyResult.error(404, QueueResponses.NO_SUCH_MESSAGE);
        }
        ApplyResult refused = checkReceipt(m, a.receipt());
        if (refused != null) {
            return refused;
        }
        if (m.inFlight) {
            table.endLease(m);
        }
        table.remove(m);
        table.ackedTotal++;
        return QueueResponses.acked(m.id);
    }

    private ApplyResult nack(Nack n) {
        QueueMessage m = table.messages.get(n.msgId());
        if (m == null) {
            return ApplyResult.error(404, QueueResponses.NO_SUCH_MESSAGE);
        }
        ApplyResult refused = checkReceipt(m, n.receipt());
        if (refused != null) {
            return refused;
        }
        if (!m.inFlight) {
            return ApplyResult.error(409, QueueResponses.NOT_IN_FLIGHT);
        }
        table.endLease(m);
        boolean deadLettered = release(m, table.clockMs + n.delayMs());
        return QueueResponses.nacked(m, deadLettered);
    }

    /** Null if {@code receipt} (or, when null, any receipt) names the latest delivery; else the refusal. */
    private static ApplyResult checkReceipt(QueueMessage m, String receipt) {
        if (m.deliveries == 0) {
            return ApplyResult.error(409, QueueResponses.NEVER_DELIVERED);
        }
        if (receipt != null && !receipt.equals(m.receipt())) {
            return ApplyResult.error(409, QueueResponses.STALE_RECEIPT);
        }
        return null;
    }

    /** Ends each listed delivery unless it already ended (an earlier ack or nack wins) or it is a newer delivery. */
    private ApplyResult expireDeliveries(ExpireDeliveries x) {
        Map<Long, Integer> counted = new HashMap<>();
        for (int i = 0; i < x.msgIds().size(); i++) {
            counted.putIfAbsent(x.msgIds().get(i), x.deliveries().get(i));
        }
        return expire(x.msgIds(), m -> m.deliveries == counted.get(m.id));
    }

    /** Ends listed live deliveries for which {@code due} holds, requeueing or dead-lettering them. */
    private ApplyResult expire(List<Long> msgIds, Predicate<QueueMessage> due) {
        List<Long> redeliverable = new ArrayList<>();
        List<Long> deadLettered = new ArrayList<>();
        for (long id : new LinkedHashSet<>(msgIds)) {
            QueueMessage m = table.messages.get(id);
            if (m == null || !m.inFlight || !due.test(m)) {
                continue;
            }
            table.endLease(m);
            (release(m, table.clockMs) ? deadLettered : redeliverable).add(id);
        }
        return QueueResponses.expired(redeliverable, deadLettered);
    }

    /** A delivery ended unacknowledged: dead-letter the message if it used its last delivery, else requeue it. */
    private boolean release(QueueMessage m, long readyAtMs) {
        if (m.exhausted()) {
            table.deadLetter(m);
            return true;
        }
        table.requeue(m, readyAtMs);
        return false;
    }

    @Override
    public byte[] snapshot() {
        return QueueSnapshots.encode(table);
    }

    /** The image's records, built here, hold only values that never change: encoding them can wait. */
    @Override
    public Supplier<byte[]> captureSnapshot() {
        QueueSnapshots.Image image = QueueSnapshots.capture(table);
        return () -> QueueSnapshots.write(image);
    }

    @Override
    public void restore(byte[] snapshot) {
        table = QueueSnapshots.decode(snapshot);
    }

    // ---- pure queries for the shell ----

    /** Whether a dequeue at {@code nowMs} would find a message in the queue (or one partition of it). */
    public Peek peek(String queue, int partition, long nowMs) {
        QueueTable.NamedQueue q = table.queues.get(queue);
        long next = Long.MAX_VALUE;
        if (q != null) {
            for (Partition p : q.partitions) {
                if (partition == QueueCommand.ANY_PARTITION || p.number == partition) {
                    next = Math.min(next, p.nextReadyAtMs());
                }
            }
        }
        return new Peek(next <= nowMs, next);
    }

    /**
     * Ids (by deadline) of up to {@code max} live deliveries whose wall-clock deadline is before
     * {@code nowMs}: for the legacy {@link ExpireLeases}. Nodes count down {@link #liveDeliveries()}.
     */
    public List<Long> expiredLeases(long nowMs, int max) {
        List<Long> ids = new ArrayList<>();
        for (QueueTable.Lease lease : table.leases) {
            if (lease.deadlineMs() >= nowMs || ids.size() >= max) {
                break;
            }
            ids.add(lease.msgId());
        }
        return ids;
    }

    /** One live delivery as the leader's countdown sees it: {@code delivery} is the message's delivery count. */
    public record DeliveryView(long msgId, int delivery, long visibilityMs) {}

    /** Every live delivery, by deadline: what the leader counts down. */
    public List<DeliveryView> liveDeliveries() {
        List<DeliveryView> views = new ArrayList<>(table.leases.size());
        for (QueueTable.Lease lease : table.leases) {
            QueueMessage m = table.messages.get(lease.msgId());
            views.add(new DeliveryView(m.id, m.deliveries, m.leaseMs));
        }
        return views;
    }

    /** Depth (waiting, not in flight), in flight and dead-lettered counts, in total and per partition. */
    public JsonNode stats(String queue) {
        QueueTable.NamedQueue q = table.queues.get(queue);
        QueueTable.NamedQueue dlq = QueueNames.isDeadLetter(queue) ? null : table.queues.get(QueueNames.deadLetterOf(queue));
        ObjectNode body = ApplyResult.object();
        body.put("queue", queue);
        body.put("depth", q == null ? 0 : q.messages() - q.inFlight());
        body.put("in_flight", q == null ? 0 : q.inFlight());
        body.put("dead_lettered", dlq == null ? 0 : dlq.messages());
        body.put("dead_lettered_total", q == null ? 0 : q.deadLetteredTotal);
        ArrayNode partitions = body.putArray("partitions");
        for (int p = 0; p < PartitionRing.PARTITIONS; p++) {
            Partition part = q == null ? null : q.partitions[p];
            partitions.addObject()
                    .put("partition", p)
                    .put("depth", part == null ? 0 : part.messages - part.inFlight)
                    .put("in_flight", part == null ? 0 : part.inFlight);
        }
        return body;
    }

    /** Per queue name: {depth, in flight}. For metrics. */
    public Map<String, long[]> depthByQueue() {
        Map<String, long[]> depths = new LinkedHashMap<>();
        table.queues.forEach((name, q) -> depths.put(name, new long[] {q.messages() - q.inFlight(), q.inFlight()}));
        return depths;
    }

    public long enqueuedTotal() {
        return table.enqueuedTotal;
    }

    public long deliveredTotal() {
        return table.deliveredTotal;
    }

    public long redeliveredTotal() {
        return table.redeliveredTotal;
    }

    public long ackedTotal() {
        return table.ackedTotal;
    }

    public long deadLetteredTotal() {
        return table.deadLetteredTotal;
    }

    /** The estimated size of every unacknowledged message, dead-lettered ones included ({@link QueueMessage#estimatedBytes}). */
    public long storedBytes() {
        return table.storedBytes;
    }

    /** Unacknowledged messages, dead-lettered ones included. */
    public int messageCount() {
        return table.messages.size();
    }

    /** The state machine's clock: the highest command time applied so far. */
    public long clockMs() {
        return table.clockMs;
    }

    QueueTable table() {
        return table;
    }
}
