package dev.dsync.queue;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * One partition of one queue: the unacknowledged messages of the keys hashed here, as one FIFO per
 * key in enqueue (id) order. Only a key's head may be delivered, so a key's next message waits while
 * an earlier one is in flight or delayed. Heads not in flight are indexed as ready or delayed.
 *
 * <p>The ready/delayed split is only a cache: a delayed head whose time has come moves to ready when
 * a dequeue looks ({@link #promote}). Nothing observable depends on when that happens.
 */
final class Partition {
    /** A head not deliverable before {@code readyAtMs}; ordered by time, then id. */
    record Delayed(long readyAtMs, long msgId) implements Comparable<Delayed> {
        @Override
        public int compareTo(Delayed o) {
            int byTime = Long.compare(readyAtMs, o.readyAtMs);
            return byTime != 0 ? byTime : Long.compare(msgId, o.msgId);
        }
    }

    final int number;
    /** Key -> its messages' ids, ascending. Never empty: a key with no messages is removed. Lookups only. */
    final Map<String, ArrayDeque<Long>> keys = new LinkedHashMap<>();
    /** Heads not in flight that were deliverable when last looked at. */
    final TreeSet<Long> ready = new TreeSet<>();
    final TreeSet<Delayed> delayed = new TreeSet<>();
    /** All messages filed here, and how many of them are in flight. */
    int messages;
    int inFlight;

    Partition(int number) {
        this.number = number;
    }

    /** Files a message at the tail of its key; true if it became the key's head. */
    boolean append(QueueMessage m) {
        ArrayDeque<Long> fifo = keys.computeIfAbsent(m.key, k -> new ArrayDeque<>());
        assert fifo.isEmpty() || fifo.peekLast() < m.id : "key " + m.key + " out of id order at " + m.id;
        fifo.addLast(m.id);
        messages++;
        return fifo.size() == 1;
    }

    boolean isHead(QueueMessage m) {
        ArrayDeque<Long> fifo = keys.get(m.key);
        return fifo != null && fifo.peekFirst() == m.id;
    }

    /**
     * Unfiles a message that is parked nowhere; returns its key's new head if it was the head (the
     * caller parks it), else null. Usually the head leaves; a message behind it leaves only by a late
     * ack in a dead-letter queue, where a key can hold several messages delivered before.
     */
    Long remove(QueueMessage m) {
        ArrayDeque<Long> fifo = keys.get(m.key);
        if (fifo == null) {
            throw new IllegalStateException("message " + m.id + " is not filed under key " + m.key);
        }
        boolean wasHead = fifo.peekFirst() == m.id;
        if (!fifo.removeFirstOccurrence(m.id)) {
            throw new IllegalStateException("message " + m.id + " is not filed under key " + m.key);
        }
        messages--;
        if (fifo.isEmpty()) {
            keys.remove(m.key);
            return null;
        }
        return wasHead ? fifo.peekFirst() : null;
    }

    /** Indexes a head that is not in flight as deliverable at {@code m.readyAtMs}. */
    void park(QueueMessage m, long clockMs) {
        assert isHead(m) && !m.inFlight : "only an idle head is parked: " + m.id;
        if (m.readyAtMs <= clockMs) {
            ready.add(m.id);
        } else {
            delayed.add(new Delayed(m.readyAtMs, m.id));
        }
    }

    /** Unindexes a head; false if it was not parked (in flight, or just released). */
    boolean unpark(QueueMessage m) {
        return ready.remove(m.id) || delayed.remove(new Delayed(m.readyAtMs, m.id));
    }

    /** Moves delayed heads whose time has come to ready. */
    void promote(long clockMs) {
        while (!delayed.isEmpty() && delayed.first().readyAtMs() <= clockMs) {
            ready.add(delayed.pollFirst().msgId());
        }
    }

    /** When something here is next deliverable: Long.MIN_VALUE if now, Long.MAX_VALUE if never. */
    long nextReadyAtMs() {
        if (!ready.isEmpty()) {
            return Long.MIN_VALUE;
        }
        return delayed.isEmpty() ? Long.MAX_VALUE : delayed.first().readyAtMs();
    }
}
