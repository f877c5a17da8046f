package dev.dsync.storage;

import static dev.dsync.storage.StoreFixtures.entries;
import static dev.dsync.storage.StoreFixtures.newestSegment;
import static dev.dsync.storage.StoreFixtures.segments;
import static dev.dsync.storage.StoreFixtures.snapshot;
import static dev.dsync.storage.TornTailTest.flipByte;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dsync.raft.HardState;
import dev.dsync.raft.Snapshot;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damage to acknowledged data must stop the node, naming where the damage is. */
class CorruptionTest {
    @TempDir
    Path dir;

    @Test
    void badRecordFollowedByValidRecordsIsCorruption() throws Exception {
        long secondBatchStart;
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
            store.save(new HardState(1, null, 0), entries(1, 3, 1));
            secondBatchStart = Files.size(newestSegment(dir));
            store.save(null, entries(4, 6, 1));
            store.save(null, entries(7, 9, 1));
        }
        Path segment = newestSegment(dir);
        flipByte(segment, secondBatchStart + 12); // inside the payload of entry 4
        CorruptLogException e = assertThrows(CorruptLogException.class,
                () -> RaftLogStore.open(dir, StoreOptions.defaults()));
        assertEquals(segment, e.file());
        assertEquals(secondBatchStart, e.offset());
        assertTrue(e.getMessage().contains(segment.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("byte offset " + secondBatchStart), e.getMessage());
    }

    @Test
    void damagedLengthFieldFollowedByValidRecordsIsCorruption() throws Exception {
        long secondBatchStart;
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
            store.save(null, entries(1, 3, 1));
            secondBatchStart = Files.size(newestSegment(dir));
            store.save(null, entries(4, 9, 1));
        }
        flipByte(newestSegment(dir), secondBatchStart + 3); // low byte of entry 4's length
        CorruptLogException e = assertThrows(CorruptLogException.class,
                () -> RaftLogStore.open(dir, StoreOptions.defaults()));
        assertEquals(secondBatchStart, e.offset());
    }

    @Test
    void anyDamageInAnOlderSegmentIsCorruption() throws Exception {
        writeSeveralSegments();
        Path oldest = segments(dir).get(0);
        long size = Files.size(oldest);
        flipByte(oldest, size - 1); // the last record of an older segment: still acknowledged data
        CorruptLogException e = assertThrows(CorruptLogException.class,
                () -> RaftLogStore.open(dir, StoreOptions.defaults()));
        assertEquals(oldest, e.file());
        assertTrue(e.getMessage().contains(oldest.toString()), e.getMessage());
    }

    @Test
    void truncatedOlderSegmentIsCorruption() throws Exception {
        writeSeveralSegments();
        Path second = segments(dir).get(1);
        try (FileChannel ch = FileChannel.open(second, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 3);
        }
        CorruptLogException e = assertThrows(CorruptLogException.class,
                () -> RaftLogStore.open(dir, StoreOptions.defaults()));
        assertEquals(second, e.file());
    }

    @Test
    void missingMiddleSegmentIsCorruption() throws Exception {
        writeSeveralSegments();
        List<Path> all = segments(dir);
        Files.delete(all.get(1));
        CorruptLogException e = assertThrows(CorruptLogException.class,
                () -> RaftLogStore.open(dir, StoreOptions.defaults()));
        assertEquals(all.get(2), e.file());
    }

    @Test
    void missingOldestSegmentWithoutSnapshotIsCorruption() throws Exception {
        writeSeveralSegments();
        Files.delete(segments(dir).get(0));
        assertThrows(CorruptLogException.class, () -> RaftLogStore.open(dir, StoreOptions.defaults()));
    }

    @Test
    void corruptSnapshotIsCorruptionNotAFallback() throws Exception {
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
            store.save(null, entries(1, 10, 1));
            store.saveSnapshot(snapshot(5, 1));
        }
        Path snap;
        try (Stream<Path> files = Files.list(dir.resolve("snapshot"))) {
            snap = files.findFirst().orElseThrow();
        }
        flipByte(snap, Files.size(snap) - 5); // the last byte of the data, before the CRC
        CorruptLogException e = assertThrows(CorruptLogException.class,
                () -> RaftLogStore.open(dir, StoreOptions.defaults()));
        assertEquals(snap, e.file());
        assertTrue(e.getMessage().contains("CRC"), e.getMessage());
    }

    @Test
    void damagedSnapshotMembershipIsCorruption() throws Exception {
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
            store.save(null, entries(1, 10, 1));
            store.saveSnapshot(new Snapshot(5, 1, StoreFixtures.MEMBERSHIP, new byte[] {5}));
        }
        Path snap;
        try (Stream<Path> files = Files.list(dir.resolve("snapshot"))) {
            snap = files.findFirst().orElseThrow();
        }
        // The first letter of the first voter's id: still a well-formed membership, only the CRC can tell.
        flipByte(snap, 24 + 4 + 1 + 2);
        CorruptLogException e = assertThrows(CorruptLogException.class,
                () -> RaftLogStore.open(dir, StoreOptions.defaults()));
        assertTrue(e.getMessage().contains("CRC"), e.getMessage());
    }

    @Test
    void deletedSnapshotThatTheLogReliesOnIsCorruption() throws Exception {
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
            store.save(null, entries(1, 10, 1));
            store.saveSnapshot(snapshot(5, 1));
        }
        try (Stream<Path> files = Files.list(dir.resolve("snapshot"))) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        CorruptLogException e = assertThrows(CorruptLogException.class,
                () -> RaftLogStore.open(dir, StoreOptions.defaults()));
        assertTrue(e.getMessage().contains("snapshot at index 5"), e.getMessage());
    }

    private void writeSeveralSegments() throws Exception {
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults().withSegmentBytes(100))) {
            for (long i = 1; i <= 20; i++) {
                store.save(new HardState(1, null, i - 1), entries(i, i, 1));
            }
        }
        assertTrue(segments(dir).size() >= 4, "expected rotation, got " + segments(dir));
    }
}
