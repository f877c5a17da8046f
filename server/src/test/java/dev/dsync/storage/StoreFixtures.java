package dev.dsync.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dsync.raft.Entry;
import dev.dsync.raft.Membership;
import dev.dsync.raft.Snapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/** Builders, file helpers and assertions shared by the storage tests. */
final class StoreFixtures {
    private StoreFixtures() {
    }

    static final Membership MEMBERSHIP = new Membership(
            Map.of("n1", "10.0.0.1:8000", "n2", "10.0.0.2:8000", "n3", "10.0.0.3:8000"), Map.of("n4", "10.0.0.4:8000"));

    static Entry entry(long term, long index) {
        return new Entry(term, index, ("e" + index + "t" + term).getBytes(StandardCharsets.UTF_8));
    }

    static Entry config(long term, long index) {
        return Entry.config(term, index, MEMBERSHIP);
    }

    /** Entries {@code from..to} inclusive, all in {@code term}. */
    static List<Entry> entries(long from, long to, long term) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(entry(term, i));
        }
        return out;
    }

    static Snapshot snapshot(long index, long term) {
        return new Snapshot(index, term, ("snap" + index).getBytes(StandardCharsets.UTF_8));
    }

    static StoreOptions smallSegments(long bytes) {
        return StoreOptions.defaults().withSegmentBytes(bytes);
    }

    static List<Path> segments(Path dataDir) throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("wal"))) {
            return files.filter(p -> p.toString().endsWith(".wal")).sorted().toList();
        }
    }

    static Path newestSegment(Path dataDir) throws IOException {
        List<Path> all = segments(dataDir);
        return all.get(all.size() - 1);
    }

    static void assertSameEntries(List<Entry> expected, List<Entry> actual) {
        assertEquals(expected.size(), actual.size(), "entry count");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).index(), actual.get(i).index(), "index at position " + i);
            assertEquals(expected.get(i).term(), actual.get(i).term(), "term of entry " + expected.get(i).index());
            assertEquals(expected.get(i).kind(), actual.get(i).kind(), "kind of entry " + expected.get(i).index());
            assertArrayEquals(expected.get(i).data(), actual.get(i).data(), "data of entry " + expected.get(i).index());
        }
    }

    /**
     * One WAL frame built by hand, not by {@link RecordCodec}, so tests pin the on-disk layout:
     * int payload length, int CRC32C over (length, type, payload), byte type, payload.
     */
    static byte[] walFrame(int type, byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(9 + payload.length).putInt(payload.length).putInt(0).put((byte) type).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(frame.array(), 0, 4);
        crc.update(frame.array(), 8, 1 + payload.length);
        return frame.putInt(4, (int) crc.getValue()).array();
    }

    /** Collects records logged through System.Logger (backed by java.util.logging) under a name. */
    static final class CapturedLog extends Handler implements AutoCloseable {
        private final Logger logger; // strong reference: JUL holds loggers weakly
        final List<LogRecord> records = new ArrayList<>();

        CapturedLog(Class<?> source) {
            logger = Logger.getLogger(source.getName());
            logger.addHandler(this);
        }

        String messages() {
            StringBuilder out = new StringBuilder();
            for (LogRecord r : records) {
                out.append(r.getLevel()).append(' ')
                        .append(new java.util.logging.SimpleFormatter().formatMessage(r)).append('\n');
            }
            return out.toString();
        }

        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }
}
