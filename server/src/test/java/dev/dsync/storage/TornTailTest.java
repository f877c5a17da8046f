package dev.dsync.storage;

import static dev.dsync.storage.StoreFixtures.assertSameEntries;
import static dev.dsync.storage.StoreFixtures.entries;
import static dev.dsync.storage.StoreFixtures.newestSegment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dsync.raft.Entry;
import dev.dsync.raft.HardState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A crash during the last write leaves a partial or garbled final record; recovery drops it. */
class TornTailTest {
    private static final HardState KEPT = new HardState(1, "n1", 3);

    @TempDir
    Path dir;

    /** Writes a durable batch then a second batch; returns [end of first batch, end of second]. */
    private long[] writeTwoBatches() throws IOException {
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
            store.save(KEPT, entries(1, 5, 1));
            long firstEnd = Files.size(newestSegment(dir));
            store.save(new HardState(2, "n2", 5), entries(6, 8, 2));
            return new long[] {firstEnd, Files.size(newestSegment(dir))};
        }
    }

    /** The second batch's first record (entry 6, "e6t2") frames to 9 + 17 + 4 = 30 bytes. */
    @ParameterizedTest(name = "cut {0} bytes into the second batch")
    @ValueSource(ints = {1, 4, 8, 9, 20, 28})
    void cutMidRecordRecoversEarlierRecordsAndWarns(int cut) throws Exception {
        long[] ends = writeTwoBatches();
        long cutAt = ends[0] + cut;
        Path segment = newestSegment(dir);
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.truncate(cutAt);
        }
        assertRecoversFirstBatchWithWarning(segment, ends[0]);
    }

    @Test
    void cutInLastRecordKeepsTheWholeRecordsBeforeIt() throws Exception {
        long[] ends = writeTwoBatches();
        try (FileChannel ch = FileChannel.open(newestSegment(dir), StandardOpenOption.WRITE)) {
            ch.truncate(ends[1] - 1);
        }
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
            assertSameEntries(concat(entries(1, 5, 1), entries(6, 8, 2)), store.recovered().entries());
            assertEquals(KEPT, store.recovered().hardState(), "the torn record was the new hard state");
        }
    }

    @Test
    void checksumMismatchInLastRecordIsTreatedAsTorn() throws Exception {
        long[] ends = writeTwoBatches();
        Path segment = newestSegment(dir);
        flipByte(segment, ends[1] - 2);
        // Only the final record is bad, so the records of batch two before it survive.
        try (StoreFixtures.CapturedLog log = new StoreFixtures.CapturedLog(WalReplay.class);
             RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
            assertSameEntries(concat(entries(1, 5, 1), entries(6, 8, 2)), store.recovered().entries());
            assertEquals(KEPT, store.recovered().hardState());
            assertTrue(log.messages().contains(segment.toString()), log.messages());
        }
    }

    @Test
    void zeroFilledTailIsTreatedAsTorn() throws Exception {
        long[] ends = writeTwoBatches();
        Path segment = newestSegment(dir);
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.allocate(4096));
        }
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
            assertSameEntries(concat(entries(1, 5, 1), entries(6, 8, 2)), store.recovered().entries());
        }
        assertEquals(ends[1], Files.size(segment));
    }

    @Test
    void fullyTornNewSegmentGetsItsHeaderRewritten() throws Exception {
        // A rotation whose first write was lost entirely leaves an empty newest segment.
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults().withSegmentBytes(1))) {
            store.save(KEPT, entries(1, 2, 1));
            store.save(null, entries(3, 3, 1));
        }
        Path segment = newestSegment(dir);
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.truncate(3);
        }
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
            assertSameEntries(entries(1, 2, 1), store.recovered().entries());
        }
        assertTrue(Files.size(segment) > 0, "header was rewritten so the hard state stays with the tail");
    }

    private void assertRecoversFirstBatchWithWarning(Path segment, long tornOffset) throws IOException {
        try (StoreFixtures.CapturedLog log = new StoreFixtures.CapturedLog(WalReplay.class)) {
            try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
                assertSameEntries(entries(1, 5, 1), store.recovered().entries());
                assertEquals(KEPT, store.recovered().hardState());
                String messages = log.messages();
                assertTrue(messages.contains("WARNING"), messages);
                assertTrue(messages.contains(segment.toString()) && messages.contains("offset " + tornOffset), messages);
                store.save(null, entries(6, 7, 3)); // appending after the cut works
            }
            try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
                assertSameEntries(concat(entries(1, 5, 1), entries(6, 7, 3)), store.recovered().entries());
            }
            assertEquals(1, log.records.size(), "the cut is durable; the second open found nothing to repair");
        }
    }

    static void flipByte(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ 0x5A)).rewind();
            ch.write(one, offset);
        }
    }

    private static List<Entry> concat(List<Entry> a, List<Entry> b) {
        List<Entry> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
