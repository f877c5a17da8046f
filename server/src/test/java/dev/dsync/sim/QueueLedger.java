package dev.dsync.sim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.queue.PartitionRing;
import dev.dsync.queue.QueueCommand;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.statemachine.Envelope;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one replica's queue must hold, rebuilt from the commands it applied and the answers it gave,
 * independently of the state machine's own indexes. Folding an answer in checks the delivery
 * properties the queue promises; {@link QueueChecks} then compares the ledger with the real state.
 *
 * <ul>
 *   <li>Messages leave only by an acknowledged ack: the ledger removes nothing else, and an
 *       enqueue replayed by a session must name a message that is still here or was acked.
 *   <li>Never two live deliveries: a message is delivered only while not in flight, and only by
 *       an expiry, a nack or an ack does its delivery end.
 *   <li>Per-key order: only the oldest message of a key in a queue is ever delivered (so a key's
 *       messages go out in enqueue order, and not while an earlier one is in flight or waiting).
 *   <li>Deliveries carry the key and value that were enqueued, and count up by one.
 *   <li>A dequeue hands out the oldest deliverable message of the asked queue (or partition), and
 *       answers empty only when there is none.
 * </ul>
 */
final class QueueLedger {
    private static final PartitionRing RING = PartitionRing.DEFAULT;
    static final class Msg {
        final long id;
        final String key;
        final JsonNode value;
        final int maxDeliveries;
        String queue;
        int deliveries;
        boolean inFlight;
        long deadlineMs;
        /** Not deliverable before this time (the replica's clock), as the state machine keeps it. */
        long readyAtMs;

        Msg(long id, String queue, String key, JsonNode value, int maxDeliveries) {
            this.id = id;
            this.queue = queue;
            this.key = key;
            this.value = value;
            this.maxDeliveries = maxDeliveries;
        }

        String receipt() {
            return id + "-" + deliveries;
        }
    }

    final String node;
    /** Unacknowledged messages by id, dead-lettered ones included. */
    final TreeMap<Long, Msg> live = new TreeMap<>();
    /** Acknowledged messages by id: what they were when their ack was applied. */
    final Map<Long, Msg> acked = new HashMap<>();
    /** "queue key" -> the ids of that key's live messages in that queue, ascending. */
    private final Map<String, TreeSet<Long>> byKey = new HashMap<>();
    /** "client request" -> the first answer: a retry must get it again and change nothing. */
    private final Map<String, ApplyResult> answered = new HashMap<>();
    final Set<Long> inFlight = new HashSet<>();
    long clockMs;

    QueueLedger(String node) {
        this.node = node;
    }

    /** Folds one applied command and its answer in; throws {@link AssertionError} on a violation. */
    void apply(long index, Envelope envelope, QueueCommand command, ApplyResult result) {
        String session = envelope.clientId() == null || envelope.requestId() == null
                ? null : envelope.clientId() + " " + envelope.requestId();
        if (session != null && answered.containsKey(session)) {
            ApplyResult first = answered.get(session);
            require(sameAnswer(first, result), index,
                    "retry of " + session + " answered " + result.body() + ", first answer was " + first.body());
            return; // changes nothing, the queue's clock included: a retry carries its own, later stamp
        }
        clockMs = Math.max(clockMs, envelope.nowMs());
        if (session != null) {
            answered.put(session, result);
        }
        JsonNode body = result.body();
        switch (command) {
            case QueueCommand.Enqueue e -> {
                require(result.status() == 200 && body.path("msg_id").asLong() == index, index, "enqueue answered " + body);
                Msg m = new Msg(index, e.queue(), e.key(), e.value(), e.maxDeliveries());
                m.readyAtMs = clockMs;
                live.put(index, m);
                fifo(m).add(index);
            }
            case QueueCommand.Dequeue d -> {
                Msg oldest = oldestDeliverable(d);
                if (result.status() == 200 && body.has("msg_id")) {
                    require(oldest != null && oldest.id == body.path("msg_id").asLong(), index, "dequeue from " + d.queue()
                            + " delivered " + body.path("msg_id") + " but the oldest deliverable message was "
                            + (oldest == null ? "none" : oldest.id));
                    delivered(index, d, body);
                } else {
                    require(result.status() == 200 && body.path("empty").asBoolean(), index, "dequeue answered " + body);
                    require(oldest == null, index, "dequeue from " + d.queue() + " answered empty although message "
                            + (oldest == null ? "" : oldest.id + " (key " + oldest.key + ")") + " was deliverable");
                }
            }
            case QueueCommand.Ack a -> acked(index, a, result);
            case QueueCommand.Nack n -> nacked(index, n, result);
            case QueueCommand.ExpireLeases x -> expired(index, x.msgIds(), m -> m.deadlineMs < clockMs, body);
            case QueueCommand.ExpireDeliveries x -> {
                java.util.Map<Long, Integer> counted = new java.util.HashMap<>();
                for (int i = 0; i < x.msgIds().size(); i++) {
                    counted.putIfAbsent(x.msgIds().get(i), x.deliveries().get(i));
                }
                expired(index, x.msgIds(), m -> m.deliveries == counted.get(m.id), body);
            }
        }
    }

    /**
     * The message this dequeue must hand out: the lowest id among the keys' head messages in the
     * asked queue (and partition) that are not in flight and whose ready time has come; null if none.
     */
    private Msg oldestDeliverable(QueueCommand.Dequeue d) {
        Msg oldest = null;
        for (TreeSet<Long> ids : byKey.values()) {
            Msg head = ids.isEmpty() ? null : live.get(ids.first());
            boolean eligible = head != null && head.queue.equals(d.queue()) && !head.inFlight && head.readyAtMs <= clockMs
                    && (d.partition() == QueueCommand.ANY_PARTITION || RING.partitionOf(head.key) == d.partition());
            if (eligible && (oldest == null || head.id < oldest.id)) {
                oldest = head;
            }
        }
        return oldest;
    }

    private void delivered(long index, QueueCommand.Dequeue d, JsonNode body) {
        long id = body.path("msg_id").asLong();
        Msg m = live.get(id);
        require(m != null, index, "delivered message " + id + ", which is " + (acked.containsKey(id) ? "acked" : "unknown"));
        require(m.queue.equals(d.queue()) && m.queue.equals(body.path("queue").asText()), index,
                "dequeue from " + d.queue() + " delivered " + id + " of queue " + m.queue);
        require(m.key.equals(body.path("key").asText()) && m.value.equals(body.get("value")), index,
                "delivery of " + id + " carries " + body.path("key") + "=" + body.get("value") + ", enqueued " + m.key + "=" + m.value);
        require(!m.inFlight, index, "two live deliveries of message " + id);
        long head = fifo(m).first();
        require(head == id, index, "per-key order: delivered " + id + " of key " + m.key + " while earlier message " + head
                + " is " + (live.get(head).inFlight ? "in flight" : "waiting"));
        require(d.partition() == QueueCommand.ANY_PARTITION || body.path("partition").asInt() == d.partition(), index,
                "dequeue from partition " + d.partition() + " delivered from " + body.path("partition"));
        m.deliveries++;
        require(body.path("delivery_count").asInt() == m.deliveries && m.receipt().equals(body.path("receipt").asText()), index,
                "delivery " + m.deliveries + " of " + id + " answered " + body);
        require(body.path("visible_at_ms").asLong() == clockMs + d.visibilityMs(), index, "lease deadline " + body.path("visible_at_ms"));
        m.inFlight = true;
        m.deadlineMs = clockMs + d.visibilityMs();
        inFlight.add(id);
    }

    private void acked(long index, QueueCommand.Ack a, ApplyResult result) {
        Msg m = live.get(a.msgId());
        if (result.status() == 404) {
            require(m == null, index, "ack of live message " + a.msgId() + " refused as unknown");
            return;
        }
        if (result.status() != 200) {
            require(m != null, index, "ack of gone message " + a.msgId() + " answered " + result.status());
            return;
        }
        require(m != null, index, "acked message " + a.msgId() + ", which is " + (acked.containsKey(a.msgId()) ? "already acked" : "unknown"));
        require(m.deliveries > 0 && (a.receipt() == null || a.receipt().equals(m.receipt())), index,
                "ack with receipt " + a.receipt() + " accepted for " + m.id + " at delivery " + m.deliveries);
        endDelivery(m);
        live.remove(m.id);
        TreeSet<Long> ids = fifo(m);
        ids.remove(m.id);
        if (ids.isEmpty()) {
            byKey.remove(m.queue + " " + m.key);
        }
        acked.put(m.id, m);
    }

    private void nacked(long index, QueueCommand.Nack n, ApplyResult result) {
        Msg m = live.get(n.msgId());
        require(result.status() != 404 || m == null, index, "nack of live message " + n.msgId() + " refused as unknown");
        if (result.status() != 200) {
            return;
        }
        require(m != null && m.inFlight && n.receipt().equals(m.receipt()), index, "nack of " + n.msgId() + " accepted but its delivery was not live");
        endDelivery(m);
        m.readyAtMs = clockMs + n.delayMs();
        if (result.body().path("dead_lettered").asBoolean()) {
            deadLetter(index, m);
        }
    }

    /** Exactly the listed deliveries that were live and due end; nothing else changes. */
    private void expired(long index, java.util.List<Long> msgIds, java.util.function.Predicate<Msg> lapsed, JsonNode body) {
        Set<Long> redeliverable = ids(body.path("redeliverable"));
        Set<Long> deadLettered = ids(body.path("dead_lettered"));
        for (long id : new TreeSet<>(msgIds)) {
            Msg m = live.get(id);
            boolean due = m != null && m.inFlight && lapsed.test(m);
            boolean ended = redeliverable.remove(id) | deadLettered.contains(id);
            require(due == ended, index, "expiry " + (due ? "kept the due lease of " : "ended the lease of ") + id
                    + (m == null ? " (gone)" : m.inFlight ? " (deadline " + m.deadlineMs + ", clock " + clockMs + ")" : " (not in flight)"));
            if (due) {
                endDelivery(m);
                m.readyAtMs = clockMs;
                if (deadLettered.remove(id)) {
                    deadLetter(index, m);
                }
            }
        }
        require(redeliverable.isEmpty() && deadLettered.isEmpty(), index, "expiry ended unlisted leases " + body);
    }

    private void deadLetter(long index, Msg m) {
        require(m.deliveries >= m.maxDeliveries && !m.queue.endsWith(".dlq"), index,
                "dead-lettered " + m.id + " after " + m.deliveries + " of " + m.maxDeliveries + " deliveries from " + m.queue);
        TreeSet<Long> ids = fifo(m);
        ids.remove(m.id);
        if (ids.isEmpty()) {
            byKey.remove(m.queue + " " + m.key);
        }
        m.queue = m.queue + ".dlq";
        m.readyAtMs = clockMs;
        fifo(m).add(m.id);
    }

    private void endDelivery(Msg m) {
        m.inFlight = false;
        inFlight.remove(m.id);
    }

    /**
     * Same status and body. Numbers compare by value: an answer restored from a snapshot reads
     * back as the smallest fitting number type (an int where a long was put), which is the same JSON.
     */
    static boolean sameAnswer(ApplyResult a, ApplyResult b) {
        return a.status() == b.status() && a.body().equals(NUMBERS_BY_VALUE, b.body());
    }

    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (x, y) -> {
        if (x.isNumber() && y.isNumber()) {
            return x.decimalValue().compareTo(y.decimalValue());
        }
        return x.equals(y) ? 0 : 1;
    };

    private TreeSet<Long> fifo(Msg m) {
        return byKey.computeIfAbsent(m.queue + " " + m.key, k -> new TreeSet<>());
    }

    private static Set<Long> ids(JsonNode array) {
        Set<Long> ids = new HashSet<>();
        array.forEach(id -> ids.add(id.asLong()));
        return ids;
    }

    private void require(boolean ok, long index, String violation) {
        if (!ok) {
            throw new AssertionError("queue on " + node + " at index " + index + ": " + violation);
        }
    }
}
