package dev.dsync.queue;

import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The queue service's whole replicated state, with the index bookkeeping every state change goes
 * through: the message table, each queue's partitions, and the deadline-ordered live deliveries.
 * Decisions (what to deliver, when a delivery ends) belong to {@link QueueStateMachine}.
 */
final class QueueTable {
    /** One queue name: its partitions and how many messages it has dead-lettered. */
    static final class NamedQueue {
        final String name;
        final Partition[] partitions = new Partition[PartitionRing.PARTITIONS];
        long deadLetteredTotal;

        NamedQueue(String name) {
            this.name = name;
            for (int p = 0; p < partitions.length; p++) {
                partitions[p] = new Partition(p);
            }
        }

        int messages() {
            int n = 0;
            for (Partition p : partitions) {
                n += p.messages;
            }
            return n;
        }

        int inFlight() {
            int n = 0;
            for (Partition p : partitions) {
                n += p.inFlight;
            }
            return n;
        }
    }

    /** A live delivery's deadline; ordered by time, then id. */
    record Lease(long deadlineMs, long msgId) implements Comparable<Lease> {
        @Override
        public int compareTo(Lease o) {
            int byTime = Long.compare(deadlineMs, o.deadlineMs);
            return byTime != 0 ? byTime : Long.compare(msgId, o.msgId);
        }
    }

    /** The highest command time applied so far. */
    long clockMs;
    final TreeMap<Long, QueueMessage> messages = new TreeMap<>();
    final TreeMap<String, NamedQueue> queues = new TreeMap<>();
    final TreeSet<Lease> leases = new TreeSet<>();
    long enqueuedTotal;
    long deliveredTotal;
    long redeliveredTotal;
    long ackedTotal;
    long deadLetteredTotal;
    /** The sum of every stored message's {@link QueueMessage#storedBytes}; written on the Raft loop only. */
    volatile long storedBytes;

    NamedQueue queueOf(String name) {
        return queues.computeIfAbsent(name, NamedQueue::new);
    }

    Partition partitionOf(QueueMessage m) {
        return queueOf(m.queue).partitions[m.partition];
    }

    /** Files a message (in flight or not) at the tail of its key in its queue. */
    void insert(QueueMessage m) {
        QueueMessage previous = messages.put(m.id, m);
        assert previous == null : "message id " + m.id + " reused";
        storedBytes += m.storedBytes;
        Partition partition = partitionOf(m);
        boolean head = partition.append(m);
        if (m.inFlight) {
            assert head : "only a key's head may be in flight: " + m.id;
            partition.inFlight++;
            leases.add(new Lease(m.leaseDeadlineMs, m.id));
        } else if (head) {
            partition.park(m, clockMs);
        }
    }

    /** Unfiles an idle message (acked, or moving to the dead-letter queue); if it was its key's head, the next becomes deliverable. */
    void remove(QueueMessage m) {
        assert !m.inFlight : "end the delivery of " + m.id + " first";
        Partition partition = partitionOf(m);
        partition.unpark(m); // parked if an idle head, unless its delivery just ended
        Long next = partition.remove(m);
        messages.remove(m.id);
        storedBytes -= m.storedBytes;
        if (next != null) {
            partition.park(messages.get(next), clockMs);
        }
    }

    /** Starts a delivery of an idle head. */
    void lease(QueueMessage m, String consumerId, long deadlineMs, long leaseMs) {
        Partition partition = partitionOf(m);
        assert !m.inFlight && partition.isHead(m) : "cannot deliver " + m.id;
        boolean wasParked = partition.unpark(m);
        assert wasParked : "delivering " + m.id + ", which was not deliverable";
        m.inFlight = true;
        m.consumerId = consumerId;
        m.leaseDeadlineMs = deadlineMs;
        m.leaseMs = leaseMs;
        m.deliveries++;
        partition.inFlight++;
        leases.add(new Lease(deadlineMs, m.id));
    }

    /** Ends the live delivery; the message stays unparked until the caller parks, moves or removes it. */
    void endLease(QueueMessage m) {
        assert m.inFlight : "message " + m.id + " is not in flight";
        boolean removed = leases.remove(new Lease(m.leaseDeadlineMs, m.id));
        assert removed : "lease of " + m.id + " was not indexed";
        m.inFlight = false;
        m.consumerId = null;
        m.leaseDeadlineMs = 0;
        m.leaseMs = 0;
        partitionOf(m).inFlight--;
    }

    /** Makes an idle head that was just released deliverable again at {@code readyAtMs}. */
    void requeue(QueueMessage m, long readyAtMs) {
        m.readyAtMs = readyAtMs;
        partitionOf(m).park(m, clockMs);
    }

    /** Moves an idle head to its queue's dead-letter queue, keeping id, key, value and delivery count. */
    void deadLetter(QueueMessage m) {
        String from = m.queue;
        remove(m);
        queueOf(from).deadLetteredTotal++;
        deadLetteredTotal++;
        m.queue = QueueNames.deadLetterOf(from);
        m.readyAtMs = clockMs;
        insert(m);
    }
}
