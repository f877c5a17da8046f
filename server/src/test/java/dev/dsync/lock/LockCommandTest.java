package dev.dsync.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LockCommandTest {

    @Test
    void everyCommandSurvivesEncodeDecode() {
        List<LockCommand> commands = List.of(
                new LockCommand.Acquire("k", LockMode.X, "c1", 5_000, true),
                new LockCommand.Acquire("k", LockMode.S, "c2", 1, false),
                new LockCommand.Release("k", "c1"),
                new LockCommand.Renew("c1"),
                new LockCommand.CancelWait("k", "c2"),
                new LockCommand.Expire(List.of("c1", "c2")),
                new LockCommand.Expire(List.of()));
        for (LockCommand command : commands) {
            assertEquals(command, LockCommand.decode(command.encode()));
        }
    }

    @Test
    void encodingIsJsonWithAnOpField() {
        String json = new String(new LockCommand.Renew("c1").encode(), StandardCharsets.UTF_8);
        assertEquals("{\"op\":\"renew\",\"clientId\":\"c1\"}", json);
    }

    @Test
    void garbageIsRefused() {
        for (String bad : List.of("", "nope", "{}", "null", "[]", "{\"op\":\"explode\"}",
                "{\"op\":\"renew\"}", "{\"op\":\"renew\",\"clientId\":\"\"}",
                "{\"op\":\"renew\",\"clientId\":\"c\",\"extra\":1}",
                "{\"op\":\"acquire\",\"key\":\"k\",\"mode\":\"Q\",\"clientId\":\"c\",\"ttlMs\":1,\"queueIfBusy\":true}",
                "{\"op\":\"acquire\",\"key\":\"k\",\"mode\":\"S\",\"clientId\":\"c\",\"ttlMs\":0,\"queueIfBusy\":true}",
                "{\"op\":\"acquire\",\"key\":\"k\",\"mode\":\"S\",\"clientId\":\"c\",\"queueIfBusy\":true}",
                "{\"op\":\"expire\",\"clientIds\":[null]}")) {
            assertThrows(IllegalArgumentException.class,
                    () -> LockCommand.decode(bad.getBytes(StandardCharsets.UTF_8)), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> LockCommand.decode(null));
        assertThrows(IllegalArgumentException.class, () -> LockCommand.decode(new byte[] {(byte) 0xff, 0x00}));
    }

    @Test
    void constructorsRejectBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new LockCommand.Acquire("k", LockMode.S, "c", 0, true));
        assertThrows(IllegalArgumentException.class, () -> new LockCommand.Acquire("", LockMode.S, "c", 1, true));
        assertThrows(NullPointerException.class, () -> new LockCommand.Acquire("k", null, "c", 1, true));
        assertThrows(IllegalArgumentException.class, () -> new LockCommand.Release("k", null));
    }

    @Test
    void malformedCommandIsAnsweredNotThrown() {
        LockHarness h = new LockHarness();
        var r = h.raw("garbage".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, r.status());
        assertEquals("malformed lock command", r.body().get("error").asText());
    }
}
