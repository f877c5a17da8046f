package dev.dsync.storage;

import static dev.dsync.storage.StoreFixtures.assertSameEntries;
import static dev.dsync.storage.StoreFixtures.newestSegment;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.dsync.raft.Entry;
import dev.dsync.raft.HardState;
import dev.dsync.raft.Membership;
import dev.dsync.raft.PersistentState;
import dev.dsync.raft.Snapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random saves, conflicting overwrites, local and leader snapshots, clean restarts and crashes that
 * tear the last write, checked against {@link StoreModel} after every reopen.
 */
class RandomizedStoreTest {
    private static final int OPS = 400;

    @TempDir
    Path root;

    private Random random;
    private StoreModel model;
    private RaftLogStore store;
    private Path dir;
    private StoreOptions options;
    private long term = 1;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void matchesModel(long seed) throws Exception {
        random = new Random(seed);
        model = new StoreModel();
        dir = root.resolve("s" + seed);
        options = StoreOptions.defaults().withSegmentBytes(100 + random.nextInt(2000));
        store = RaftLogStore.open(dir, options);
        try {
            for (int op = 0; op < OPS; op++) {
                int roll = random.nextInt(100);
                if (roll < 40) {
                    save(batchFrom(model.lastIndex() + 1, term));
                } else if (roll < 50 && model.lastIndex() > model.baseIndex) {
                    term++;
                    save(batchFrom(model.baseIndex + 1 + random.nextInt((int) (model.lastIndex() - model.baseIndex)), term));
                } else if (roll < 62) {
                    term += random.nextInt(2);
                    save(new HardState(term, random.nextBoolean() ? null : "n" + random.nextInt(3),
                            random.nextInt((int) model.lastIndex() + 1)), List.of());
                } else if (roll < 72 && model.lastIndex() > model.baseIndex) {
                    long index = model.baseIndex + 1 + random.nextInt((int) (model.lastIndex() - model.baseIndex));
                    snapshot(new Snapshot(index, model.termAt(index), membership(), ("s" + index).getBytes()));
                } else if (roll < 75) {
                    term++; // a leader's snapshot from a newer term: usually disagrees with our log
                    long index = model.baseIndex + 1 + random.nextInt((int) (model.lastIndex() - model.baseIndex) + 5);
                    snapshot(new Snapshot(index, term, membership(), ("leader" + index).getBytes()));
                } else if (roll < 88) {
                    restart();
                } else if (roll < 94) {
                    crashWithGarbageTail();
                } else {
                    crashDuringSave();
                }
            }
            restart();
        } finally {
            store.close();
        }
    }

    private List<Entry> batchFrom(long first, long entryTerm) {
        List<Entry> batch = new ArrayList<>();
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            byte[] data = new byte[random.nextInt(40)];
            random.nextBytes(data);
            batch.add(random.nextInt(8) == 0 ? StoreFixtures.config(entryTerm, first + i) : new Entry(entryTerm, first + i, data));
        }
        return batch;
    }

    /** Null (the bootstrap member list) or a configuration. */
    private Membership membership() {
        return random.nextBoolean() ? null : StoreFixtures.MEMBERSHIP.without("n" + (1 + random.nextInt(4)));
    }

    private void save(List<Entry> batch) throws IOException {
        save(random.nextInt(4) == 0 ? new HardState(term, null, model.baseIndex) : null, batch);
    }

    private void save(HardState hs, List<Entry> batch) throws IOException {
        store.save(hs, batch);
        model.save(hs, batch);
    }

    private void snapshot(Snapshot s) throws IOException {
        store.saveSnapshot(s);
        model.saveSnapshot(s);
    }

    private void restart() throws IOException {
        store.close();
        store = RaftLogStore.open(dir, options);
        PersistentState state = store.recovered();
        assertEquals(model.hardState, state.hardState());
        if (model.snapshot == null) {
            assertNull(state.snapshot());
        } else {
            assertEquals(model.snapshot.index(), state.snapshot().index());
            assertEquals(model.snapshot.term(), state.snapshot().term());
            assertEquals(model.snapshot.membership(), state.snapshot().membership());
            assertArrayEquals(model.snapshot.data(), state.snapshot().data());
        }
        assertSameEntries(model.log, state.entries());
    }

    /** A crash that left bytes of a write that never completed after the last durable record. */
    private void crashWithGarbageTail() throws IOException {
        store.close();
        byte[] junk = new byte[1 + random.nextInt(60)];
        if (random.nextBoolean()) {
            random.nextBytes(junk);
        }
        try (FileChannel ch = FileChannel.open(newestSegment(dir), StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(junk));
        }
        restart();
    }

    /**
     * A crash part-way through a save's write: the file keeps a prefix of the batch. The records
     * that made it whole are recovered (entries first, hard state last), the rest are lost.
     */
    private void crashDuringSave() throws IOException {
        Path segment = newestSegment(dir);
        long before = Files.size(segment);
        HardState hs = new HardState(term, "n1", model.baseIndex);
        List<Entry> batch = batchFrom(model.lastIndex() + 1, term);
        store.save(hs, batch);
        store.close();
        if (!newestSegment(dir).equals(segment)) {
            model.save(hs, batch); // rotated: keep it simple and treat this one as a clean write
            restart();
            return;
        }
        long cut = before + random.nextInt((int) (Files.size(segment) - before));
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.truncate(cut);
        }
        long end = before;
        for (Entry e : batch) {
            end += RecordCodec.encodedSize(new WalRecord.EntryRecord(e));
            if (end <= cut) {
                model.saveEntry(e);
            }
        }
        restart();
    }
}
