package dev.dsync.storage;

import static dev.dsync.storage.StoreFixtures.assertSameEntries;
import static dev.dsync.storage.StoreFixtures.entries;
import static dev.dsync.storage.StoreFixtures.segments;
import static dev.dsync.storage.StoreFixtures.snapshot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dsync.raft.HardState;
import dev.dsync.raft.Membership;
import dev.dsync.raft.PersistentState;
import dev.dsync.raft.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotAndCompactionTest {
    private static final StoreOptions SMALL = StoreOptions.defaults().withSegmentBytes(200);

    @TempDir
    Path dir;

    @Test
    void segmentsRotateAndRecoverInOrder() throws Exception {
        try (RaftLogStore store = RaftLogStore.open(dir, SMALL)) {
            for (long i = 1; i <= 60; i += 2) {
                store.save(null, entries(i, i + 1, 1));
            }
        }
        assertTrue(segments(dir).size() > 5, "segments: " + segments(dir));
        try (RaftLogStore store = RaftLogStore.open(dir, SMALL)) {
            assertSameEntries(entries(1, 60, 1), store.recovered().entries());
        }
    }

    /**
     * The raft loop writes its own snapshots' files on another thread and records them in the WAL
     * later; meanwhile it may install a leader's newer snapshot. The older file must then not replace
     * the newer one (the WAL's marker would point at a file that is gone), and a crash between the
     * two halves recovers the snapshot whose file was written.
     */
    @Test
    void aSnapshotFileWrittenBesideTheLoopNeverReplacesANewerOneAndSurvivesACrashBeforeItsMarker() throws Exception {
        try (RaftLogStore store = RaftLogStore.open(dir, SMALL)) {
            for (long i = 1; i <= 60; i++) {
                store.save(null, entries(i, i, 1));
            }
            assertTrue(store.writeSnapshotFile(snapshot(30, 1)));
            // the crash: the file is durable, its marker never written
        }
        try (RaftLogStore store = RaftLogStore.open(dir, SMALL)) {
            assertEquals(30, store.recovered().snapshot().index());
            assertSameEntries(entries(31, 60, 1), store.recovered().entries());
            store.saveSnapshot(snapshot(50, 1)); // a leader's snapshot installed on the loop
            assertFalse(store.writeSnapshotFile(snapshot(40, 1)), "an older file replaced a newer one");
            store.recordSnapshot(snapshot(40, 1)); // ignored: not newer than the base
        }
        try (RaftLogStore store = RaftLogStore.open(dir, SMALL)) {
            assertEquals(50, store.recovered().snapshot().index());
            assertSameEntries(entries(51, 60, 1), store.recovered().entries());
        }
    }

    @Test
    void snapshotDeletesOnlyFullyCoveredSegmentsAndRecoveryStartsAfterIt() throws Exception {
        HardState hs = new HardState(7, "n3", 2); // written once, before the segments that get deleted
        try (RaftLogStore store = RaftLogStore.open(dir, SMALL)) {
            store.save(hs, entries(1, 1, 1));
            for (long i = 2; i <= 60; i++) {
                store.save(null, entries(i, i, 1));
            }
            int before = segments(dir).size();
            store.saveSnapshot(snapshot(45, 1));
            int after = segments(dir).size();
            assertTrue(after < before, before + " -> " + after);
        }
        assertFalse(Files.exists(SegmentFiles.pathFor(dir.resolve("wal"), 1)), "oldest segment deleted");
        try (RaftLogStore store = RaftLogStore.open(dir, SMALL)) {
            PersistentState state = store.recovered();
            assertEquals(hs, state.hardState(), "hard state survives deletion of the segment that first held it");
            assertEquals(45, state.snapshot().index());
            assertArrayEquals(snapshot(45, 1).data(), state.snapshot().data());
            assertSameEntries(entries(46, 60, 1), state.entries());
            store.save(null, entries(61, 61, 1));
        }
        try (RaftLogStore store = RaftLogStore.open(dir, SMALL)) {
            assertSameEntries(entries(46, 61, 1), store.recovered().entries());
        }
    }

    @Test
    void snapshotMembershipSurvivesRestartAndNullStaysNull() throws Exception {
        try (RaftLogStore store = RaftLogStore.open(dir, SMALL)) {
            store.save(null, entries(1, 20, 1));
            store.saveSnapshot(new Snapshot(5, 1, StoreFixtures.MEMBERSHIP, new byte[] {5}));
        }
        try (RaftLogStore store = RaftLogStore.open(dir, SMALL)) {
            assertEquals(StoreFixtures.MEMBERSHIP, store.recovered().snapshot().membership());
            assertArrayEquals(new byte[] {5}, store.recovered().snapshot().data());
            // Null means "use the bootstrap member list", which no membership (not even an empty one) may stand in for.
            store.saveSnapshot(new Snapshot(10, 1, null, new byte[] {10}));
        }
        try (RaftLogStore store = RaftLogStore.open(dir, SMALL)) {
            assertNull(store.recovered().snapshot().membership());
            store.saveSnapshot(new Snapshot(15, 1, Membership.EMPTY, new byte[0]));
        }
        try (RaftLogStore store = RaftLogStore.open(dir, SMALL)) {
            assertEquals(Membership.EMPTY, store.recovered().snapshot().membership());
            assertSameEntries(entries(16, 20, 1), store.recovered().entries());
        }
    }

    @Test
    void repeatedSnapshotsKeepDiskBounded() throws Exception {
        try (RaftLogStore store = RaftLogStore.open(dir, SMALL)) {
            for (long i = 1; i <= 400; i++) {
                store.save(new HardState(1, null, i - 1), entries(i, i, 1));
                if (i % 50 == 0) {
                    store.saveSnapshot(snapshot(i - 10, 1));
                }
            }
        }
        assertTrue(segments(dir).size() < 15, "segments: " + segments(dir).size());
        assertEquals(1, snapshotFiles().size(), "only the newest snapshot is kept");
        try (RaftLogStore store = RaftLogStore.open(dir, SMALL)) {
            assertEquals(390, store.recovered().snapshot().index());
            assertSameEntries(entries(391, 400, 1), store.recovered().entries());
            assertEquals(new HardState(1, null, 399), store.recovered().hardState());
        }
    }

    @Test
    void olderOrEqualSnapshotIsIgnored() throws Exception {
        try (RaftLogStore store = RaftLogStore.open(dir, SMALL)) {
            store.save(null, entries(1, 20, 1));
            store.saveSnapshot(snapshot(10, 1));
            store.saveSnapshot(new Snapshot(8, 1, new byte[] {1}));
            store.saveSnapshot(new Snapshot(10, 1, new byte[] {2}));
        }
        try (RaftLogStore store = RaftLogStore.open(dir, SMALL)) {
            assertArrayEquals(snapshot(10, 1).data(), store.recovered().snapshot().data());
            assertSameEntries(entries(11, 20, 1), store.recovered().entries());
        }
    }

    @Test
    void leaderSnapshotBeyondTheLogReplacesIt() throws Exception {
        try (RaftLogStore store = RaftLogStore.open(dir, SMALL)) {
            store.save(null, entries(1, 10, 1));
            store.saveSnapshot(snapshot(20, 3));
            store.save(null, entries(21, 22, 3));
        }
        try (RaftLogStore store = RaftLogStore.open(dir, SMALL)) {
            assertEquals(20, store.recovered().snapshot().index());
            assertSameEntries(entries(21, 22, 3), store.recovered().entries());
        }
    }

    @Test
    void snapshotWhoseTermDisagreesWithTheLogDiscardsTheLog() throws Exception {
        try (RaftLogStore store = RaftLogStore.open(dir, SMALL)) {
            store.save(null, entries(1, 10, 1));
            store.saveSnapshot(snapshot(8, 2)); // our entry 8 is from term 1: a different history
        }
        try (RaftLogStore store = RaftLogStore.open(dir, SMALL)) {
            assertEquals(List.of(), store.recovered().entries());
            store.save(null, entries(9, 9, 2));
        }
        try (RaftLogStore store = RaftLogStore.open(dir, SMALL)) {
            assertSameEntries(entries(9, 9, 2), store.recovered().entries());
        }
    }

    @Test
    void leftoverTempFileFromACrashedSnapshotWriteIsIgnoredAndRemoved() throws Exception {
        try (RaftLogStore store = RaftLogStore.open(dir, SMALL)) {
            store.save(null, entries(1, 10, 1));
            store.saveSnapshot(snapshot(4, 1));
        }
        Path temp = dir.resolve("snapshot").resolve(String.format("%020d.snap.tmp", 9));
        Files.write(temp, new byte[] {1, 2, 3}); // half-written, never renamed
        try (RaftLogStore store = RaftLogStore.open(dir, SMALL)) {
            assertEquals(4, store.recovered().snapshot().index());
            assertSameEntries(entries(5, 10, 1), store.recovered().entries());
        }
        assertFalse(Files.exists(temp));
    }

    @Test
    void crashAfterSnapshotFileBeforeWalMarkerIsCompletedOnOpen() throws Exception {
        try (RaftLogStore store = RaftLogStore.open(dir, SMALL)) {
            store.save(null, entries(1, 10, 1));
        }
        // Simulates a crash between the snapshot rename and the marker append: the snapshot (from a
        // leader, disagreeing with our entry 6) is durable but the WAL never heard of it.
        new SnapshotStore(FileVolume.INSTANCE, dir.resolve("snapshot")).write(snapshot(6, 2));
        try (RaftLogStore store = RaftLogStore.open(dir, SMALL)) {
            assertEquals(6, store.recovered().snapshot().index());
            assertEquals(List.of(), store.recovered().entries());
            store.save(null, entries(7, 8, 2));
        }
        // The marker written at the previous open keeps the stale term-1 entries 1..10 from
        // resurfacing and discarding the new entries 7..8.
        try (RaftLogStore store = RaftLogStore.open(dir, SMALL)) {
            assertSameEntries(entries(7, 8, 2), store.recovered().entries());
        }
    }

    private List<Path> snapshotFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("snapshot"))) {
            return files.toList();
        }
    }
}
