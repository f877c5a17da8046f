package dev.dsync.queue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.statemachine.ApplyResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeMap;

/**
 * A deliberately naive reference model of the queue semantics: a list of live messages scanned
 * linearly, no indexes. It predicts every answer the real state machine must give.
 */
final class QueueModel {
    static final class Msg {
        final long id;
        final String key;
        final JsonNode value;
        final int maxDeliveries;
        String queue;
        int deliveries;
        boolean inFlight;
        long deadlineMs;
        long readyAtMs;

        Msg(long id, String queue, String key, JsonNode value, int maxDeliveries, long readyAtMs) {
            this.id = id;
            this.queue = queue;
            this.key = key;
            this.value = value;
            this.maxDeliveries = maxDeliveries;
            this.readyAtMs = readyAtMs;
        }
    }

    /** The prediction: a status, and for a delivery the message and its delivery count. */
    record Expected(int status, Msg delivered, int deliveryCount) {}

    final TreeMap<Long, Msg> live = new TreeMap<>();
    long clockMs;

    Expected apply(long index, long nowMs, QueueCommand command) {
        clockMs = Math.max(clockMs, nowMs);
        return switch (command) {
            case QueueCommand.Enqueue e -> {
                live.put(index, new Msg(index, e.queue(), e.key(), e.value(), e.maxDeliveries(), clockMs));
                yield new Expected(200, null, 0);
            }
            case QueueCommand.Dequeue d -> dequeue(d);
            case QueueCommand.Ack a -> {
                Msg m = live.get(a.msgId());
                int refused = refusal(m, a.receipt());
                if (refused == 0) {
                    live.remove(a.msgId());
                }
                yield new Expected(refused == 0 ? 200 : refused, null, 0);
            }
            case QueueCommand.Nack n -> {
                Msg m = live.get(n.msgId());
                int refused = refusal(m, n.receipt());
                if (refused == 0 && !m.inFlight) {
                    refused = 409;
                }
                if (refused == 0) {
                    release(m, clockMs + n.delayMs());
                }
                yield new Expected(refused == 0 ? 200 : refused, null, 0);
            }
            case QueueCommand.ExpireLeases x -> {
                for (long id : new LinkedHashSet<>(x.msgIds())) {
                    Msg m = live.get(id);
                    if (m != null && m.inFlight && m.deadlineMs < clockMs) {
                        release(m, clockMs);
                    }
                }
                yield new Expected(200, null, 0);
            }
            case QueueCommand.ExpireDeliveries x -> {
                for (int i = 0; i < x.msgIds().size(); i++) {
                    Msg m = live.get(x.msgIds().get(i));
                    if (m != null && m.inFlight && m.deliveries == x.deliveries().get(i)) {
                        release(m, clockMs);
                    }
                }
                yield new Expected(200, null, 0);
            }
        };
    }

    private Expected dequeue(QueueCommand.Dequeue d) {
        for (Msg m : live.values()) { // ascending id: the first deliverable one is the oldest
            boolean inScope = m.queue.equals(d.queue())
                    && (d.partition() == QueueCommand.ANY_PARTITION || PartitionRing.DEFAULT.partitionOf(m.key) == d.partition());
            if (inScope && !m.inFlight && m.readyAtMs <= clockMs && oldestOfKey(m)) {
                m.inFlight = true;
                m.deliveries++;
                m.deadlineMs = clockMs + d.visibilityMs();
                return new Expected(200, m, m.deliveries);
            }
        }
        return new Expected(200, null, 0);
    }

    /** No earlier live message with the same key in the same queue. */
    boolean oldestOfKey(Msg m) {
        for (Msg other : live.headMap(m.id).values()) {
            if (other.queue.equals(m.queue) && other.key.equals(m.key)) {
                return false;
            }
        }
        return true;
    }

    private static int refusal(Msg m, String receipt) {
        if (m == null) {
            return 404;
        }
        if (m.deliveries == 0 || (receipt != null && !receipt.equals(m.id + "-" + m.deliveries))) {
            return 409;
        }
        return 0;
    }

    private void release(Msg m, long readyAtMs) {
        m.inFlight = false;
        if (m.deliveries >= m.maxDeliveries && !m.queue.endsWith(".dlq")) {
            m.queue = m.queue + ".dlq";
            m.readyAtMs = clockMs;
        } else {
            m.readyAtMs = readyAtMs;
        }
    }

    List<Msg> inFlight() {
        List<Msg> list = new ArrayList<>();
        live.values().stream().filter(m -> m.inFlight).forEach(list::add);
        return list;
    }

    static void assertMatches(Expected expected, ApplyResult actual, String where) {
        if (expected.status() != actual.status()) {
            throw new AssertionError(where + ": expected status " + expected.status() + ", got " + actual);
        }
        if (actual.status() == 200 && actual.body().has("delivery_count") != (expected.delivered() != null)) {
            throw new AssertionError(where + ": expected " + (expected.delivered() == null ? "no delivery" : "delivery of "
                    + expected.delivered().id) + ", got " + actual.body());
        }
        Msg m = expected.delivered();
        if (m != null) {
            JsonNode b = actual.body();
            boolean same = b.get("msg_id").asLong() == m.id && b.get("delivery_count").asInt() == expected.deliveryCount()
                    && b.get("key").asText().equals(m.key) && b.get("value").equals(m.value)
                    && b.get("receipt").asText().equals(m.id + "-" + expected.deliveryCount());
            if (!same) {
                throw new AssertionError(where + ": expected delivery " + m.id + "#" + expected.deliveryCount() + " of "
                        + m.key + "=" + m.value + ", got " + b);
            }
        }
    }
}
