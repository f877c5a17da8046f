package dev.dsync.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.dsync.statemachine.ApplyResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Thousands of random commands over few queues and keys (so per-key blocking, redelivery, nacks and
 * dead-lettering are common). After every apply: the invariants hold, the answer is the reference
 * model's, the unacknowledged messages are exactly the model's (none lost, none invented, payloads
 * intact), and at most one delivery per key and queue is live. A twin restored from a snapshot must
 * answer every later command identically and end with the same snapshot bytes.
 */
class QueueRandomizedTest {
    private static final int STEPS = 5_000;
    private static final String[] QUEUES = {"q0", "q1"};
    private static final int KEYS = 10;

    private Random random;
    private final QueueHarness h = new QueueHarness();
    private final QueueModel model = new QueueModel();
    /** Receipts handed out so far, for stale and current ack/nack attempts. */
    private final List<String> receipts = new ArrayList<>();
    private QueueStateMachine twin;
    private int phase;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 20240601})
    void randomCommandsMatchTheModelAndKeepEveryInvariant(long seed) {
        random = new Random(seed);
        int[] statuses = new int[600];
        for (int step = 0; step < STEPS; step++) {
            phase = step / 800;
            advanceClock();
            QueueCommand command = randomCommand();
            byte[] bytes = command == null ? "{\"op\":\"dequeue\"}".getBytes(StandardCharsets.UTF_8) : command.encode();
            ApplyResult result = h.raw(bytes); // checks QueueInvariants
            statuses[result.status()]++;
            if (command == null) {
                assertEquals(400, result.status());
                model.clockMs = Math.max(model.clockMs, h.nowMs); // a refused command's time still counts
            } else {
                QueueModel.assertMatches(model.apply(h.index, h.nowMs, command), result, "seed " + seed + " step " + step + " " + command);
            }
            if (result.body().has("receipt")) {
                receipts.add(result.body().get("receipt").asText());
            }
            assertSameMessages("step " + step);
            if (twin != null) {
                assertEquals(result, twin.apply(h.index, h.nowMs, bytes), "restored twin diverged at step " + step);
            }
            if (step % 700 == 350) {
                twin = new QueueStateMachine();
                twin.restore(h.sm.snapshot());
                QueueInvariants.check(twin);
            }
        }
        assertArrayEquals(h.sm.snapshot(), twin.snapshot());
        for (int status : new int[] {200, 400, 404, 409}) {
            assertTrue(statuses[status] > 0, "no " + status + " answers with seed " + seed);
        }
        assertTrue(h.sm.redeliveredTotal() > 0, "no redeliveries with seed " + seed);
        assertTrue(h.sm.deadLetteredTotal() > 0, "no dead letters with seed " + seed);
        drain();
    }

    private void advanceClock() {
        h.nowMs += random.nextInt(12) == 0 ? -random.nextInt(2_000) : random.nextInt(300);
    }

    /** A random command; null stands for a malformed one. */
    private QueueCommand randomCommand() {
        String queue = QUEUES[random.nextInt(QUEUES.length)];
        // Phases of heavy and light production, so queues both build up and drain to empty.
        int roll = random.nextInt(100) - (phase % 2 == 0 ? 5 : -20);
        if (roll < 25) {
            return new QueueCommand.Enqueue(queue, "k" + random.nextInt(KEYS), randomValue(), 1 + random.nextInt(4));
        }
        if (roll < 55) {
            String from = random.nextInt(4) == 0 ? queue + ".dlq" : queue;
            int partition = random.nextInt(5) == 0 ? random.nextInt(PartitionRing.PARTITIONS) : QueueCommand.ANY_PARTITION;
            return new QueueCommand.Dequeue(from, "c" + random.nextInt(3), 200 + random.nextInt(3_000), partition);
        }
        if (roll < 75) {
            String receipt = someReceipt(true);
            return new QueueCommand.Ack(receipt == null ? someId() : someId(receipt), receipt);
        }
        if (roll < 85) {
            String receipt = someReceipt(false);
            return new QueueCommand.Nack(someId(receipt), receipt, random.nextInt(3) == 0 ? random.nextInt(2_000) : 0);
        }
        if (roll < 93) {
            // What a leader would propose, computed a little before it is applied.
            return new QueueCommand.ExpireLeases(h.sm.expiredLeases(h.nowMs - random.nextInt(300), 1 + random.nextInt(20)));
        }
        if (roll < 98) {
            return new QueueCommand.ExpireLeases(List.of(someId(), someId()));
        }
        return null;
    }

    private JsonNode randomValue() {
        return switch (random.nextInt(3)) {
            case 0 -> IntNode.valueOf(random.nextInt(1000));
            case 1 -> NullNode.getInstance();
            default -> JsonNodeFactory.instance.objectNode().put("n", random.nextInt(1000)).put("s", "x" + random.nextInt(9));
        };
    }

    /** Usually a live message, sometimes an acked or never-used id. */
    private long someId() {
        if (!model.live.isEmpty() && random.nextInt(5) > 0) {
            List<Long> ids = new ArrayList<>(model.live.keySet());
            return ids.get(random.nextInt(ids.size()));
        }
        return 1 + random.nextInt((int) h.index + 5);
    }

    /** The id a receipt names, mostly; sometimes another. */
    private long someId(String receipt) {
        return random.nextInt(6) > 0 ? Long.parseLong(receipt.substring(0, receipt.indexOf('-'))) : someId();
    }

    /** Mostly the receipt of a live delivery, else a stale one, garbage, or (if allowed) none. */
    private String someReceipt(boolean nullAllowed) {
        List<QueueModel.Msg> flying = model.inFlight();
        int roll = random.nextInt(10);
        if (roll < 6 && !flying.isEmpty()) {
            QueueModel.Msg m = flying.get(random.nextInt(flying.size()));
            return m.id + "-" + m.deliveries;
        }
        if (roll < 8 && !receipts.isEmpty()) {
            return receipts.get(random.nextInt(receipts.size()));
        }
        return nullAllowed && roll == 8 ? null : "1-" + random.nextInt(9);
    }

    /** The state machine's unacknowledged messages are exactly the model's, payloads and all. */
    private void assertSameMessages(String where) {
        QueueTable table = h.sm.table();
        assertEquals(model.live.keySet(), table.messages.keySet(), where + ": message ids differ");
        Set<String> flyingKeys = new HashSet<>();
        for (QueueModel.Msg expected : model.live.values()) {
            QueueMessage actual = table.messages.get(expected.id);
            assertEquals(expected.queue, actual.queue, where);
            assertEquals(expected.key, actual.key, where);
            assertEquals(expected.value, actual.value, where);
            assertEquals(expected.deliveries, actual.deliveries, where);
            assertEquals(expected.inFlight, actual.inFlight, where);
            assertEquals(expected.inFlight ? expected.deadlineMs : expected.readyAtMs,
                    expected.inFlight ? actual.leaseDeadlineMs : actual.readyAtMs, where);
            if (actual.inFlight) {
                assertTrue(flyingKeys.add(actual.queue + "/" + actual.key), where + ": two live deliveries of key " + actual.key);
                assertTrue(model.oldestOfKey(expected), where + ": message " + actual.id + " delivered ahead of an older one of its key");
            }
        }
    }

    /** Time passes and consumers ack everything: nothing is left, and every enqueue was acked once. */
    private void drain() {
        for (int round = 0; round < 20 && h.sm.messageCount() > 0; round++) {
            h.nowMs += 10_000_000;
            h.expireDue();
            for (String queue : List.copyOf(h.sm.table().queues.keySet())) {
                ApplyResult delivery;
                while (!QueueHarness.isEmpty(delivery = h.deq(queue, 1_000))) {
                    assertEquals(200, h.ack(delivery.body().get("msg_id").asLong(), delivery.body().get("receipt").asText()).status());
                }
            }
        }
        assertEquals(0, h.sm.messageCount());
        assertEquals(h.sm.enqueuedTotal(), h.sm.ackedTotal());
    }
}
