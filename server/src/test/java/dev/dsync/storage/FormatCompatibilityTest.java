package dev.dsync.storage;

import static dev.dsync.storage.StoreFixtures.MEMBERSHIP;
import static dev.dsync.storage.StoreFixtures.assertSameEntries;
import static dev.dsync.storage.StoreFixtures.config;
import static dev.dsync.storage.StoreFixtures.entry;
import static dev.dsync.storage.StoreFixtures.walFrame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dsync.raft.Entry;
import dev.dsync.raft.HardState;
import dev.dsync.raft.Snapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files are built byte by byte here, not with the store's codecs, so these tests pin the on-disk
 * formats: data directories written before entries had kinds and snapshots had memberships must
 * keep opening, and values no build writes must stop the node.
 */
class FormatCompatibilityTest {
    private static final int OLD_ENTRY = 1;
    private static final int HARD_STATE = 2;
    private static final int SNAPSHOT_MARKER = 3;
    private static final int ENTRY = 4;
    private static final int OLD_SNAPSHOT_MAGIC = 0x44534E50; // "DSNP"
    private static final int SNAPSHOT_MAGIC = 0x44534E32; // "DSN2"

    @TempDir
    Path dir;

    @Test
    void dataDirectoryWrittenBeforeKindsAndMembershipsOpensAndCarriesOn() throws Exception {
        // What the previous build left after entries 1..6 and a snapshot at 3.
        ByteArrayOutputStream wal = new ByteArrayOutputStream();
        wal.write(walFrame(HARD_STATE, hardState(2, 5, "n1")));
        for (long i = 1; i <= 5; i++) {
            wal.write(walFrame(OLD_ENTRY, oldEntry(entry(i <= 3 ? 1 : 2, i))));
        }
        wal.write(walFrame(OLD_ENTRY, oldEntry(new Entry(2, 6, null))));
        wal.write(walFrame(SNAPSHOT_MARKER, ByteBuffer.allocate(17).putLong(3).putLong(1).put((byte) 1).array()));
        Path segment = Files.createDirectories(dir.resolve("wal")).resolve(String.format("%020d.wal", 1));
        Files.write(segment, wal.toByteArray());
        byte[] image = "old image".getBytes(StandardCharsets.UTF_8);
        writeSnapshotFile(3, snapshotFile(OLD_SNAPSHOT_MAGIC, 3, 1, null, image));

        List<Entry> expected = new ArrayList<>(List.of(entry(2, 4), entry(2, 5), new Entry(2, 6, null)));
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
            assertEquals(new HardState(2, "n1", 5), store.recovered().hardState());
            Snapshot snapshot = store.recovered().snapshot();
            assertEquals(List.of(3L, 1L), List.of(snapshot.index(), snapshot.term()));
            assertNull(snapshot.membership());
            assertArrayEquals(image, snapshot.data());
            assertSameEntries(expected, store.recovered().entries()); // all DATA
            store.save(null, List.of(config(2, 7)));
        }
        expected.add(config(2, 7));
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
            assertSameEntries(expected, store.recovered().entries());
            assertEquals(List.of(segment), StoreFixtures.segments(dir), "old and new records share the segment");
        }
    }

    @Test
    void snapshotFileInTheCurrentLayoutLoadsItsMembership() throws Exception {
        byte[] image = {1, 2, 3};
        writeSnapshotFile(9, snapshotFile(SNAPSHOT_MAGIC, 9, 4, MEMBERSHIP.encode(), image));
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
            assertEquals(MEMBERSHIP, store.recovered().snapshot().membership());
            assertArrayEquals(image, store.recovered().snapshot().data());
        }
    }

    @Test
    void unknownEntryKindIsCorruptionNotData() throws Exception {
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
            store.save(null, List.of(entry(1, 1)));
        }
        Path segment = StoreFixtures.newestSegment(dir);
        long offset = Files.size(segment);
        byte[] payload = ByteBuffer.allocate(18).putLong(1).putLong(2).put((byte) 7).put((byte) 42).array();
        Files.write(segment, walFrame(ENTRY, payload), StandardOpenOption.APPEND);
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> RaftLogStore.open(dir, StoreOptions.defaults()));
        assertEquals(offset, e.offset());
        assertTrue(e.getMessage().contains("kind 7"), e.getMessage());
    }

    @Test
    void snapshotMembershipThatDoesNotParseIsCorruption() throws Exception {
        writeSnapshotFile(9, snapshotFile(SNAPSHOT_MAGIC, 9, 4, new byte[] {0, 0, 0, 1, 1}, new byte[0]));
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> RaftLogStore.open(dir, StoreOptions.defaults()));
        assertTrue(e.getMessage().contains("membership"), e.getMessage());
    }

    /** The entry payload before kinds: term, index, data. */
    private static byte[] oldEntry(Entry e) {
        return ByteBuffer.allocate(16 + e.data().length).putLong(e.term()).putLong(e.index()).put(e.data()).array();
    }

    private static byte[] hardState(long term, long commit, String vote) {
        byte[] v = vote.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(20 + v.length).putLong(term).putLong(commit).putInt(v.length).put(v).array();
    }

    /** {@code membership} is written only with the current magic; null there is the length -1. */
    private static byte[] snapshotFile(int magic, long index, long term, byte[] membership, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(64 + (membership == null ? 0 : membership.length) + data.length);
        b.putInt(magic).putLong(index).putLong(term);
        if (magic == SNAPSHOT_MAGIC) {
            b.putInt(membership == null ? -1 : membership.length).put(membership == null ? new byte[0] : membership);
        }
        b.putInt(data.length).put(data);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    private void writeSnapshotFile(long index, byte[] bytes) throws IOException {
        Path snapshots = Files.createDirectories(dir.resolve("snapshot"));
        Files.write(snapshots.resolve(String.format("%020d.snap", index)), bytes);
    }
}
