package dev.dsync.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.statemachine.ApplyResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lease expiry across a leader change between nodes whose clocks disagree. Two replicas apply the
 * same log; each is a {@link LockService} with its own wall clock (the stamps it would put on
 * entries) and its own monotonic clock (what its leader duty is given).
 */
class LockLeaseClockTest {
    private static final long TTL = 3_000;

    private final LockService oldLeader = new LockService();
    private final LockService newLeader = new LockService();
    private long index;

    /** Appends one entry stamped {@code wallMs} to both replicas' logs and applies it. */
    private ApplyResult commit(long wallMs, LockCommand command) {
        index++;
        ApplyResult onOld = oldLeader.stateMachine().apply(index, wallMs, command.encode());
        ApplyResult onNew = newLeader.stateMachine().apply(index, wallMs, command.encode());
        assertEquals(onOld.body(), onNew.body(), "replicas agree");
        return onNew;
    }

    private ApplyResult commitDuty(LockService leader, long wallMs, long monotonicMs) {
        List<byte[]> duties = leader.leaderDuties(monotonicMs);
        if (duties.isEmpty()) {
            return null;
        }
        index++;
        ApplyResult result = null;
        for (LockService replica : List.of(oldLeader, newLeader)) {
            result = replica.stateMachine().apply(index, wallMs, duties.get(0));
        }
        return result;
    }

    private static LockStateMachine locks(LockService s) {
        return (LockStateMachine) s.stateMachine();
    }

    @Test
    void aNewLeaderWhoseWallClockIsAheadDoesNotCutTheLeaseShort() {
        long oldWall = 1_800_000_000_000L;
        commit(oldWall, new LockCommand.Acquire("k", LockMode.X, "alice", TTL, false));
        assertEquals(null, commitDuty(oldLeader, oldWall + 100, 50_000), "the old leader starts counting");

        // The old leader dies 100 ms later; the new leader's wall clock is a minute ahead.
        long newWall = oldWall + 60_000 + 300;
        assertEquals(List.of("alice"), locks(newLeader).expiredClients(newWall),
                "the wall-clock deadline has 'passed' on the new leader's clock: the old rule would expire alice at once");

        long mono = -7_000; // the new leader's monotonic clock: unrelated to anyone's wall clock
        for (long elapsed = 0; elapsed < TTL * 105 / 100; elapsed += 100) {
            assertEquals(null, commitDuty(newLeader, newWall + elapsed, mono + elapsed), "expired after " + elapsed + " ms");
        }
        ApplyResult expiry = commitDuty(newLeader, newWall + 3_200, mono + 3_200);
        assertTrue(expiry != null, "expired once the whole stretched lease ran on the new leader's clock");
        assertEquals(List.of("alice"), LockHarness.strings(expiry.body().get("expired")));
        assertTrue(locks(newLeader).status("k").get("holders").isEmpty());
    }

    @Test
    void aRenewalCommittedAfterTheLeaderCountedTheLeaseOutWins() {
        long wall = 5_000;
        commit(wall, new LockCommand.Acquire("k", LockMode.X, "alice", TTL, false));
        newLeader.leaderDuties(0);
        List<byte[]> duties = newLeader.leaderDuties(3_151);
        assertEquals(1, duties.size(), "counted out");
        commit(wall + 3_151, new LockCommand.Renew("alice")); // committed before the expiry
        index++;
        JsonNode body = newLeader.stateMachine().apply(index, wall + 3_152, duties.get(0)).body();
        assertEquals(0, body.get("expired").size(), "the expiry names the old refresh: stale, ignored");
        assertEquals("alice", locks(newLeader).status("k").get("holders").get(0).get("client_id").asText());
        assertEquals(List.of(), newLeader.leaderDuties(3_200), "the renewal's countdown starts when the leader sees it");
        assertEquals(1, newLeader.leaderDuties(3_200 + 3_151).size());
    }

    @Test
    void theLegacyExpireStillAppliesByDeadlineForOldLogs() {
        commit(1_000, new LockCommand.Acquire("k", LockMode.X, "alice", TTL, false));
        assertEquals(0, commit(3_999, new LockCommand.Expire(List.of("alice"))).body().get("expired").size());
        assertEquals(1, commit(4_001, new LockCommand.Expire(List.of("alice"))).body().get("expired").size());
    }
}
