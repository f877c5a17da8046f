package dev.dsync.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.statemachine.LogDriver;
import java.util.ArrayList;
import java.util.List;

/** Drives a {@link LockStateMachine} like the log would: increasing indexes, checked invariants. */
final class LockHarness extends LogDriver<LockStateMachine> {
    static final long TTL = 30_000;

    LockHarness() {
        super(new LockStateMachine(), LockInvariants::check);
    }

    ApplyResult run(LockCommand command) {
        return raw(command.encode());
    }

    /** Acquire that does not wait. */
    ApplyResult tryLock(String key, LockMode mode, String client) {
        return run(new LockCommand.Acquire(key, mode, client, TTL, false));
    }

    /** Acquire that queues if busy. */
    ApplyResult lock(String key, LockMode mode, String client) {
        return run(new LockCommand.Acquire(key, mode, client, TTL, true));
    }

    ApplyResult release(String key, String client) {
        return run(new LockCommand.Release(key, client));
    }

    ApplyResult cancel(String key, String client) {
        return run(new LockCommand.CancelWait(key, client));
    }

    ApplyResult renew(String client) {
        return run(new LockCommand.Renew(client));
    }

    ApplyResult expire(String... clients) {
        return run(new LockCommand.Expire(List.of(clients)));
    }

    /** Holder ids of the key, in status order. */
    List<String> holders(String key) {
        List<String> ids = new ArrayList<>();
        sm.status(key).get("holders").forEach(h -> ids.add(h.get("client_id").asText()));
        return ids;
    }

    List<String> waiters(String key) {
        List<String> ids = new ArrayList<>();
        sm.status(key).get("waiters").forEach(w -> ids.add(w.get("client_id").asText()));
        return ids;
    }

    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    static void assertGranted(ApplyResult r, LockMode mode, long fence) {
        assertEquals(200, r.status(), r.body()::toString);
        assertEquals(true, r.body().get("granted").asBoolean(), r.body()::toString);
        assertEquals(mode.name(), r.body().get("mode").asText());
        assertEquals(fence, r.body().get("fence").asLong(), r.body()::toString);
    }

    static void assertQueued(ApplyResult r, int position) {
        assertEquals(202, r.status(), r.body()::toString);
        assertEquals(false, r.body().get("granted").asBoolean());
        assertEquals(true, r.body().get("queued").asBoolean());
        assertEquals(position, r.body().get("queue_position").asInt(), r.body()::toString);
    }

    static void assertBusy(ApplyResult r, List<String> holders) {
        assertEquals(409, r.status(), r.body()::toString);
        assertEquals(false, r.body().get("granted").asBoolean());
        assertEquals(holders, strings(r.body().get("holders")));
        assertEquals(true, r.body().get("queue_position").isNull());
    }

    static void assertDeadlock(ApplyResult r, List<String> cycle) {
        assertEquals(409, r.status(), r.body()::toString);
        assertEquals("deadlock", r.body().get("error").asText());
        assertEquals(cycle, strings(r.body().get("cycle")));
    }
}
