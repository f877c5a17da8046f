package dev.dsync.node;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SnapshotPolicyTest {
    @Test
    void aSmallStateIsSnapshottedEveryNEntries() {
        SnapshotPolicy policy = new SnapshotPolicy(100, SnapshotPolicy.NODE_LOG_PERCENT, 0, 0, 0);
        long index = 0;
        for (; index < 99; index++) {
            policy.applied(200);
        }
        assertFalse(policy.due(index));
        policy.applied(200);
        assertTrue(policy.due(++index));
        policy.started(index);
        policy.written(5_000); // smaller than 100 entries of log
        for (int i = 0; i < 100; i++) {
            policy.applied(200);
        }
        assertTrue(policy.due(index + 100));
    }

    @Test
    void aLargeStateWaitsUntilTheLogHasGrownAsLargeAsItsLastSnapshot() {
        SnapshotPolicy policy = new SnapshotPolicy(100, SnapshotPolicy.NODE_LOG_PERCENT, 0, 0, 0);
        policy.started(0);
        policy.written(1_000_000);
        long index = 0;
        long logBytes = 0;
        while (logBytes < 1_000_000) {
            assertFalse(policy.due(index), "due after " + logBytes + " bytes of log");
            policy.applied(200);
            logBytes += 200 + SnapshotPolicy.ENTRY_OVERHEAD_BYTES;
            index++;
        }
        assertTrue(policy.due(index));
    }

    @Test
    void theLogRecoveredAtStartCountsAndAnInstalledSnapshotStartsAfresh() {
        SnapshotPolicy policy = new SnapshotPolicy(10, SnapshotPolicy.NODE_LOG_PERCENT, 50, 1_000, 2_000);
        assertTrue(policy.due(60));
        policy.installed(500, 3_000);
        assertFalse(policy.due(510));
        for (int i = 0; i < 20; i++) {
            policy.applied(200);
        }
        assertTrue(policy.due(520));
    }

    @Test
    void withNoLogShareOnlyTheEntryCountMatters() {
        SnapshotPolicy policy = new SnapshotPolicy(5, 0, 0, 0, 0);
        policy.started(0);
        policy.written(1_000_000);
        for (int i = 0; i < 4; i++) {
            policy.applied(10);
        }
        assertFalse(policy.due(4));
        policy.applied(10);
        assertTrue(policy.due(5), "a large last snapshot holds the next one back only under the node's rule");
    }
}
