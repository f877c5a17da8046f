package dev.dsync.queue;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeSet;

/**
 * Checks the queue state's invariants; throws {@link AssertionError} naming the first violation.
 * Meant for tests, the simulation and vetting restored snapshots: it walks the whole state.
 *
 * <ul>
 *   <li>No acknowledged enqueue disappears: enqueued = unacknowledged + acknowledged, and every
 *       unacknowledged message is filed exactly once, in its queue, in its key's partition.
 *   <li>At most one live delivery per message, and per key: only a key's head (its oldest
 *       unacknowledged message) may be in flight or deliverable, and a key's ids ascend (enqueue order).
 *   <li>Indexes match the messages: ready and delayed hold exactly the heads not in flight, the lease
 *       index exactly the live deliveries, the partition counters their messages.
 *   <li>Deliveries: a message in flight has been delivered; outside a dead-letter queue it was
 *       delivered at most max_deliveries times; in one it was delivered at least that often.
 * </ul>
 */
public final class QueueInvariants {
    private QueueInvariants() {}

    public static void check(QueueStateMachine sm) {
        check(sm.table());
    }

    static void check(QueueTable table) {
        int filed = 0;
        long deadLettered = 0;
        for (Map.Entry<String, QueueTable.NamedQueue> entry : table.queues.entrySet()) {
            QueueTable.NamedQueue queue = entry.getValue();
            require(entry.getKey().equals(queue.name), entry.getKey(), "queue table entry names " + queue.name);
            require(QueueNames.isValid(queue.name), queue.name, "invalid queue name");
            require(queue.partitions.length == PartitionRing.PARTITIONS, queue.name, "wrong partition count");
            deadLettered += queue.deadLetteredTotal;
            for (int p = 0; p < queue.partitions.length; p++) {
                require(queue.partitions[p].number == p, queue.name, "partition " + p + " numbered " + queue.partitions[p].number);
                filed += checkPartition(table, queue.name, queue.partitions[p]);
            }
        }
        require(filed == table.messages.size(), "*", filed + " messages filed in queues, " + table.messages.size() + " in the table");
        TreeSet<QueueTable.Lease> live = new TreeSet<>();
        for (Map.Entry<Long, QueueMessage> entry : table.messages.entrySet()) {
            QueueMessage m = entry.getValue();
            require(entry.getKey() == m.id, "msg " + entry.getKey(), "table entry holds message " + m.id);
            checkMessage(m);
            if (m.inFlight) {
                live.add(new QueueTable.Lease(m.leaseDeadlineMs, m.id));
            }
        }
        require(live.equals(table.leases), "*", "lease index differs from the live deliveries");
        require(table.enqueuedTotal == table.messages.size() + table.ackedTotal, "*",
                "enqueued " + table.enqueuedTotal + " != unacknowledged " + table.messages.size()
                        + " + acknowledged " + table.ackedTotal + ": a message was lost or invented");
        require(deadLettered == table.deadLetteredTotal, "*", "per-queue dead-letter counts do not add up");
        require(table.redeliveredTotal <= table.deliveredTotal, "*", "more redeliveries than deliveries");
    }

    /** Returns how many messages the partition files. */
    private static int checkPartition(QueueTable table, String queue, Partition partition) {
        String where = queue + "/" + partition.number;
        int messages = 0;
        int inFlight = 0;
        TreeSet<Long> idleHeads = new TreeSet<>();
        for (Map.Entry<String, ArrayDeque<Long>> entry : partition.keys.entrySet()) {
            String key = entry.getKey();
            ArrayDeque<Long> fifo = entry.getValue();
            require(!fifo.isEmpty(), where, "empty FIFO kept for key " + key);
            long previous = 0;
            boolean head = true;
            for (long id : fifo) {
                QueueMessage m = table.messages.get(id);
                require(m != null, where, "key " + key + " files unknown message " + id);
                require(id > previous, where, "key " + key + " out of enqueue order at " + id);
                require(m.queue.equals(queue) && m.key.equals(key) && m.partition == partition.number, where,
                        "message " + id + " filed under the wrong queue, key or partition");
                require(head || !m.inFlight, where, "message " + id + " in flight behind an earlier message of key " + key);
                if (head && !m.inFlight) {
                    idleHeads.add(id);
                }
                inFlight += m.inFlight ? 1 : 0;
                previous = id;
                head = false;
                messages++;
            }
        }
        require(messages == partition.messages, where, "message count " + partition.messages + ", filed " + messages);
        require(inFlight == partition.inFlight, where, "in-flight count " + partition.inFlight + ", actual " + inFlight);
        TreeSet<Long> parked = new TreeSet<>(partition.ready);
        for (Partition.Delayed d : partition.delayed) {
            require(parked.add(d.msgId()), where, "message " + d.msgId() + " both ready and delayed");
            QueueMessage m = table.messages.get(d.msgId());
            require(m != null && m.readyAtMs == d.readyAtMs(), where, "delayed entry " + d + " does not match its message");
        }
        require(parked.equals(idleHeads), where, "ready/delayed " + parked + " are not the idle heads " + idleHeads);
        return messages;
    }

    private static void checkMessage(QueueMessage m) {
        String where = "msg " + m.id;
        require(m.id > 0, where, "non-positive id");
        require(m.partition == PartitionRing.DEFAULT.partitionOf(m.key), where, "key " + m.key + " in the wrong partition");
        require(m.maxDeliveries >= 1 && m.maxDeliveries <= QueueCommand.MAX_DELIVERIES_LIMIT, where,
                "max deliveries " + m.maxDeliveries + " out of range");
        require(m.deliveries >= 0, where, "negative delivery count");
        require(!m.inFlight || m.deliveries >= 1, where, "in flight but never delivered");
        require(m.inFlight || m.consumerId == null, where, "idle message remembers consumer " + m.consumerId);
        if (QueueNames.isDeadLetter(m.queue)) {
            require(m.deliveries >= m.maxDeliveries, where, "dead-lettered after only " + m.deliveries + " deliveries");
        } else {
            require(m.deliveries <= m.maxDeliveries, where, "delivered " + m.deliveries + " times, max " + m.maxDeliveries);
            require(m.deliveries < m.maxDeliveries || m.inFlight, where, "used every delivery but was not dead-lettered");
        }
    }

    private static void require(boolean ok, String where, String violation) {
        if (!ok) {
            throw new AssertionError("queue invariant violated at " + where + ": " + violation);
        }
    }
}
