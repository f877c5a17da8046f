package dev.dsync.statemachine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dsync.raft.Entry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SessionStateMachineTest {

    /** Adds the command's number to a total; answers with the new total. */
    static final class Adder implements StateMachine {
        long total;

        @Override
        public ApplyResult apply(long index, long nowMs, byte[] command) {
            total += Long.parseLong(new String(command, StandardCharsets.UTF_8));
            return ApplyResult.ok(ApplyResult.object().put("total", total));
        }

        @Override
        public byte[] snapshot() {
            return ByteBuffer.allocate(8).putLong(total).array();
        }

        @Override
        public void restore(byte[] snapshot) {
            total = ByteBuffer.wrap(snapshot).getLong();
        }
    }

    private static Entry entry(long index, String client, String request, String command) {
        return new Entry(1, index, new Envelope(1000, client, request, command.getBytes(StandardCharsets.UTF_8)).encode());
    }

    @Test
    void aRetriedRequestIsAppliedOnceAndGetsTheFirstAnswer() {
        Adder adder = new Adder();
        SessionStateMachine sm = new SessionStateMachine(adder);
        assertEquals(5, sm.apply(entry(1, "c", "r1", "5")).body().get("total").asLong());
        assertEquals(7, sm.apply(entry(2, "c", "r2", "2")).body().get("total").asLong());
        assertEquals(5, sm.apply(entry(3, "c", "r1", "5")).body().get("total").asLong());
        assertEquals(7, adder.total);
        assertEquals(10, sm.apply(entry(4, "c", null, "3")).body().get("total").asLong());
        assertEquals(13, sm.apply(entry(5, "other", "r1", "3")).body().get("total").asLong());
    }

    @Test
    void noopEntriesOnlyAdvanceTheAppliedIndexAndOrderIsEnforced() {
        SessionStateMachine sm = new SessionStateMachine(new Adder());
        assertNull(sm.apply(new Entry(2, 1, null)));
        assertEquals(1, sm.lastApplied());
        assertThrows(IllegalStateException.class, () -> sm.apply(entry(1, "c", "r", "1")));
    }

    @Test
    void snapshotsCarrySessionsSoRetriesStayDeduplicatedAfterRestore() {
        SessionStateMachine sm = new SessionStateMachine(new Adder());
        sm.apply(entry(1, "c", "r1", "5"));
        byte[] image = sm.snapshot();
        Adder restoredAdder = new Adder();
        SessionStateMachine restored = new SessionStateMachine(restoredAdder);
        restored.restore(image);
        assertEquals(1, restored.lastApplied());
        assertEquals(5, restored.apply(entry(2, "c", "r1", "5")).body().get("total").asLong());
        assertEquals(5, restoredAdder.total);
    }

    @Test
    void aCaptureEncodedLaterIsTheImageOfItsMoment() {
        SessionStateMachine sm = new SessionStateMachine(new Adder());
        sm.apply(entry(1, "c", "r1", "5"));
        sm.apply(entry(2, "d", "r1", "7"));
        byte[] then = sm.snapshot();
        java.util.function.Supplier<byte[]> capture = sm.captureSnapshot();
        sm.apply(entry(3, "c", "r2", "1"));
        sm.apply(entry(4, "e", "r1", "2"));
        sm.apply(entry(5, "d", "r1", "7")); // a retry: touches d's place in the access order
        assertArrayEquals(then, capture.get());
    }

    /**
     * The service image is one base64 string in the session snapshot: one of 24 MB (a queue of about
     * 60,000 messages) passed Jackson's default 20 MB cap on writing and failed it on reading, so a
     * follower installing it halted.
     */
    @Test
    void aServiceImageOverTwentyMegabytesRestores() {
        byte[] big = new byte[24 * 1024 * 1024];
        new java.util.Random(1).nextBytes(big);
        StateMachine blob = new StateMachine() {
            byte[] image = big;

            @Override
            public ApplyResult apply(long index, long nowMs, byte[] command) {
                return ApplyResult.ok(ApplyResult.object());
            }

            @Override
            public byte[] snapshot() {
                return image;
            }

            @Override
            public void restore(byte[] snapshot) {
                image = snapshot;
            }
        };
        SessionStateMachine sm = new SessionStateMachine(blob);
        sm.apply(entry(1, "c", "r1", "x"));
        byte[] image = sm.snapshot();
        SessionStateMachine restored = new SessionStateMachine(blob);
        restored.restore(image);
        assertEquals(1, restored.lastApplied());
        assertArrayEquals(big, restored.service().snapshot());
    }

    @Test
    void sessionMemoryIsBoundedPerClient() {
        Adder adder = new Adder();
        SessionStateMachine sm = new SessionStateMachine(adder);
        long index = 1;
        for (int r = 0; r <= SessionStateMachine.REQUESTS_PER_CLIENT; r++) {
            sm.apply(entry(index++, "c", "r" + r, "1"));
        }
        // r0 was forgotten: a retry of it is applied again (documented limit), r1 is still deduplicated.
        sm.apply(entry(index++, "c", "r1", "1"));
        assertEquals(SessionStateMachine.REQUESTS_PER_CLIENT + 1, adder.total);
        sm.apply(entry(index, "c", "r0", "1"));
        assertEquals(SessionStateMachine.REQUESTS_PER_CLIENT + 2, adder.total);
    }

    @Test
    void envelopesRoundTrip() {
        Envelope e = new Envelope(42, "client", null, new byte[] {1, 2, 3});
        Envelope back = Envelope.decode(e.encode());
        assertEquals(42, back.nowMs());
        assertEquals("client", back.clientId());
        assertNull(back.requestId());
        assertEquals(3, back.command().length);
        assertThrows(IllegalArgumentException.class, () -> Envelope.decode(new byte[] {9, 9}));
    }
}
