package dev.dsync.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotTest {

    @Test
    void followerBehindTheCompactedLogGetsTheSnapshotThenTheRest() {
        TestCluster c = new TestCluster(3, true, true);
        c.elect("n1");
        c.isolate("n3");
        for (int i = 0; i < 20; i++) {
            c.propose("n1", "v" + i);
        }
        c.deliverAll();
        RaftCore n1 = c.core("n1");
        assertEquals(21, n1.appliedIndex());
        Snapshot s = n1.compact(15, "image@15".getBytes(StandardCharsets.UTF_8));
        assertEquals(new Snapshot(15, 1, null).index(), s.index());
        assertEquals(1, s.term());
        assertEquals(16, n1.firstIndex());
        c.propose("n1", "after");
        c.heal();
        // Its lost appends are noticed after an election timeout without answers.
        for (int i = 0; i < 15; i++) {
            c.tickAll();
        }
        RaftCore n3 = c.core("n3");
        Ready withSnapshot = c.readies.get("n3").stream().filter(r -> r.snapshot() != null).findFirst().orElseThrow();
        assertEquals("image@15", new String(withSnapshot.snapshot().data(), StandardCharsets.UTF_8));
        assertTrue(c.sent.stream().anyMatch(m -> m instanceof Message.SnapshotRequest && m.to().equals("n3")));
        assertEquals(22, n3.lastIndex());
        assertEquals(22, n3.commitIndex());
        assertEquals(16, n3.firstIndex());
        // After the snapshot only entries beyond it are applied, in order.
        List<Entry> applied = c.applied.get("n3");
        assertEquals(16, applied.getFirst().index());
        assertEquals(22, applied.getLast().index());
    }

    @Test
    void followerKeepsEntriesAfterAMatchingSnapshot() {
        RaftConfig config = new RaftConfig("n2", TestCluster.ids(3), 10, 1, 64, 4, false, false);
        RaftCore n2 = new RaftCore(config, x -> 0, PersistentState.EMPTY);
        List<Entry> five = List.of(new Entry(1, 1, null), new Entry(1, 2, null), new Entry(1, 3, null),
                new Entry(1, 4, null), new Entry(1, 5, null));
        n2.step(new Message.AppendRequest("n1", "n2", 1, 0, 0, five, 1, 0));
        n2.advance(n2.ready());
        n2.step(new Message.SnapshotRequest("n1", "n2", 1, new Snapshot(3, 1, null)));
        Ready r = n2.ready();
        assertNotNull(r.snapshot());
        assertEquals(List.of(4L, 5L), r.entries().stream().map(Entry::index).toList(),
                "kept entries are persisted again after the snapshot that replaces the log on disk");
        assertEquals(5, n2.lastIndex());
        assertEquals(3, n2.commitIndex());
        n2.advance(r);
        assertEquals(3, n2.appliedIndex());
    }

    @Test
    void compactingBeyondTheAppliedIndexIsRefused() {
        TestCluster c = new TestCluster(1, true, true);
        c.elect("n1");
        assertThrows(IllegalArgumentException.class, () -> c.core("n1").compact(5, new byte[0]));
    }

    @Test
    void restartFromSnapshotAndSuffix() {
        RaftConfig config = new RaftConfig("n1", TestCluster.ids(3), 10, 1, 64, 4, true, true);
        PersistentState disk = new PersistentState(new HardState(3, "n1", 7), new Snapshot(5, 2, null),
                List.of(new Entry(2, 6, null), new Entry(3, 7, null), new Entry(3, 8, null)));
        RaftCore n1 = new RaftCore(config, x -> 0, disk);
        assertEquals(6, n1.firstIndex());
        assertEquals(8, n1.lastIndex());
        assertEquals(7, n1.commitIndex());
        assertEquals(5, n1.appliedIndex());
        Ready r = n1.ready();
        assertEquals(List.of(6L, 7L), r.committed().stream().map(Entry::index).toList(), "re-applies what the snapshot lacks");
    }
}
