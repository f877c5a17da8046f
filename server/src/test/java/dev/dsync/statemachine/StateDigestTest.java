package dev.dsync.statemachine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dsync.lock.LockCommand;
import dev.dsync.lock.LockMode;
import dev.dsync.lock.LockStateMachine;
import dev.dsync.raft.Entry;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StateDigestTest {
    private static Entry entry(long index, String client, String request, LockCommand command) {
        return new Entry(1, index, new Envelope(1000 + index, client, request, command.encode()).encode());
    }

    private static LockCommand acquire(String key, String client) {
        return new LockCommand.Acquire(key, LockMode.X, client, 5_000, true);
    }

    @Test
    void everyChangeOfStateChangesTheDigest() {
        SessionStateMachine sm = new SessionStateMachine(new LockStateMachine());
        Set<String> seen = new HashSet<>();
        seen.add(StateDigest.of(sm).digest());
        LockCommand[] commands = {acquire("a", "c1"), acquire("a", "c2"), acquire("b", "c1"),
                new LockCommand.Release("a", "c1"), new LockCommand.Release("b", "c1")};
        for (int i = 0; i < commands.length; i++) {
            String client = i % 2 == 0 ? "c1" : "c2";
            sm.apply(entry(i + 1, client, "r" + i, commands[i]));
            StateDigest d = StateDigest.of(sm);
            assertEquals(i + 1, d.appliedIndex());
            assertEquals(StateDigest.ALGORITHM, d.algorithm());
            assertEquals(64, d.digest().length(), "hex SHA-256");
            assertTrue(seen.add(d.digest()), "state after entry " + (i + 1) + " has the digest of an earlier state");
        }
    }

    @Test
    void clientSessionsArePartOfTheDigest() {
        SessionStateMachine withSession = new SessionStateMachine(new LockStateMachine());
        withSession.apply(entry(1, "c1", "r1", acquire("k", "c1")));
        SessionStateMachine without = new SessionStateMachine(new LockStateMachine());
        without.apply(entry(1, "c1", null, acquire("k", "c1")));
        assertArrayEquals(withSession.service().snapshot(), without.service().snapshot());
        assertNotEquals(StateDigest.of(withSession).digest(), StateDigest.of(without).digest());
    }

    @Test
    void aReplicaThatAppliedTheLogAndOneThatInstalledASnapshotReportTheSameDigest() {
        SessionStateMachine applied = new SessionStateMachine(new LockStateMachine());
        long index = 1;
        for (int i = 0; i < 30; i++) {
            String client = "c" + (i % 4);
            applied.apply(entry(index++, client, "r" + i, acquire("k" + (i % 3), client)));
            if (i % 5 == 4) {
                applied.apply(new Entry(1, index++, null)); // a new leader's no-op
            }
        }
        SessionStateMachine installed = new SessionStateMachine(new LockStateMachine());
        installed.restore(applied.snapshot());
        assertEquals(StateDigest.of(applied), StateDigest.of(installed));
        assertArrayEquals(applied.snapshot(), installed.snapshot(), "a restored replica snapshots to the same bytes");

        LockCommand next = new LockCommand.Release("k0", "c0");
        applied.apply(entry(index, "c0", "last", next));
        installed.apply(entry(index, "c0", "last", next));
        assertEquals(StateDigest.of(applied), StateDigest.of(installed));
    }

    @Test
    void theDigestOfAnImageIsTheDigestOfTheMachineThatTookIt() {
        SessionStateMachine sm = new SessionStateMachine(new LockStateMachine());
        sm.apply(entry(1, "c1", "r1", acquire("k", "c1")));
        assertEquals(StateDigest.of(sm), StateDigest.ofImage(1, sm.snapshot()));
    }
}
