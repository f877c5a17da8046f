package dev.dsync.sim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.http.ApiResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * What the queue's clients were told, and the verdicts that follow from it: a delivery carries a
 * value some producer sent, under its key; a stale receipt is never accepted; and once the queue
 * is drained, every enqueue a producer saw acknowledged was acked exactly as it was enqueued.
 * (Duplicates are fine: delivery is at least once.)
 */
final class QueueClientRecord {
    record Enqueued(String key, JsonNode value) {}

    /** Value -> key, for every enqueue ever proposed (values are unique per request). */
    private final Map<String, String> sentKeyOfValue = new HashMap<>();
    /** msg_id -> what was enqueued, for every enqueue whose answer a producer received. */
    final NavigableMap<Long, Enqueued> acknowledged = new TreeMap<>();

    void sent(String key, String value) {
        sentKeyOfValue.put(value, key);
    }

    void enqueueAcknowledged(Enqueued e, ApiResponse answer) {
        if (answer.status() != 200) {
            throw new AssertionError("enqueue of " + e.value() + " refused: " + answer.body());
        }
        long id = answer.body().path("msg_id").asLong();
        Enqueued was = acknowledged.putIfAbsent(id, e);
        if (was != null && !was.equals(e)) {
            throw new AssertionError("message " + id + " acknowledged for " + e.value() + " and for " + was.value());
        }
    }

    void delivered(JsonNode body) {
        String value = body.path("value").asText();
        String key = sentKeyOfValue.get(value);
        if (key == null || !key.equals(body.path("key").asText())) {
            throw new AssertionError("unexpected delivery " + body + ": no producer sent that value under that key");
        }
    }

    void staleAckAnswered(long msgId, ApiResponse answer) {
        if (answer.status() == 200) {
            throw new AssertionError("an ack of " + msgId + " with a stale receipt was accepted: " + answer.body());
        }
    }

    /** After the drain: {@code n} holds nothing, and acked every acknowledged enqueue as enqueued. */
    void checkDrained(SimNode n, QueueLedger ledger) {
        int left = QueueChecks.queue(n).messageCount();
        if (left != 0 || !ledger.live.isEmpty()) {
            throw new AssertionError("drained queue on " + n.id + " still holds " + left + " messages");
        }
        acknowledged.forEach((id, enqueued) -> {
            QueueLedger.Msg acked = ledger.acked.get(id);
            if (acked == null) {
                throw new AssertionError("acknowledged enqueue " + id + " (" + enqueued + ") was never acked on " + n.id + ": lost");
            }
            if (!acked.key.equals(enqueued.key()) || !acked.value.equals(enqueued.value())) {
                throw new AssertionError("acknowledged enqueue " + id + " (" + enqueued + ") was delivered and acked as "
                        + acked.key + "=" + acked.value + " on " + n.id);
            }
        });
    }
}
