package dev.dsync.storage;

import static dev.dsync.storage.StoreFixtures.assertSameEntries;
import static dev.dsync.storage.StoreFixtures.config;
import static dev.dsync.storage.StoreFixtures.entries;
import static dev.dsync.storage.StoreFixtures.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dsync.raft.Entry;
import dev.dsync.raft.HardState;
import dev.dsync.raft.PersistentState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaftLogStoreTest {
    @TempDir
    Path dir;

    @Test
    void freshDirectoryRecoversEmptyState() throws Exception {
        Path dataDir = dir.resolve("does/not/exist");
        try (RaftLogStore store = RaftLogStore.open(dataDir, StoreOptions.defaults())) {
            assertEquals(PersistentState.EMPTY, store.recovered());
        }
        assertTrue(Files.isDirectory(dataDir.resolve("wal")));
    }

    @Test
    void roundTripsEntriesAndHardState() throws Exception {
        HardState hs = new HardState(3, "n2", 5);
        List<Entry> written = new ArrayList<>(entries(1, 3, 1));
        written.add(new Entry(3, 4, null)); // no-op entry: empty data must survive too
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
            store.save(hs, written);
        }
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
            assertEquals(hs, store.recovered().hardState());
            assertNull(store.recovered().snapshot());
            assertSameEntries(written, store.recovered().entries());
        }
    }

    @Test
    void configurationEntriesKeepTheirKindAndMembership() throws Exception {
        // A CONFIG entry read back as DATA would hand the configuration to the state machine as a
        // command, and the node would go on using the old configuration.
        List<Entry> written = List.of(entry(1, 1), config(1, 2), new Entry(2, 3, null), config(2, 4), entry(2, 5));
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
            store.save(null, written);
        }
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
            List<Entry> recovered = store.recovered().entries();
            assertSameEntries(written, recovered);
            assertEquals(StoreFixtures.MEMBERSHIP, recovered.get(3).membership());
            assertTrue(recovered.get(2).isNoop() && !recovered.get(1).isNoop());
        }
    }

    @Test
    void manyBatchesAcrossRestartsAccumulate() throws Exception {
        List<Entry> expected = new ArrayList<>();
        long next = 1;
        HardState last = null;
        for (int restart = 0; restart < 5; restart++) {
            try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
                assertSameEntries(expected, store.recovered().entries());
                for (int batch = 0; batch < 10; batch++) {
                    List<Entry> b = entries(next, next + batch % 3, restart + 1);
                    last = new HardState(restart + 1, null, next - 1);
                    store.save(last, b);
                    expected.addAll(b);
                    next += b.size();
                }
            }
        }
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
            assertSameEntries(expected, store.recovered().entries());
            assertEquals(last, store.recovered().hardState());
        }
    }

    @Test
    void conflictingEntryReplacesSuffixAndSurvivesRestart() throws Exception {
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
            store.save(null, entries(1, 10, 1));
            store.save(null, entries(6, 7, 2)); // replaces 6..10 with 6..7
            store.save(null, List.of(entry(2, 8)));
        }
        List<Entry> expected = new ArrayList<>(entries(1, 5, 1));
        expected.addAll(entries(6, 8, 2));
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
            assertSameEntries(expected, store.recovered().entries());
            store.save(null, entries(3, 3, 3)); // truncate again after a restart
        }
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
            List<Entry> after = new ArrayList<>(entries(1, 2, 1));
            after.add(entry(3, 3));
            assertSameEntries(after, store.recovered().entries());
        }
    }

    @Test
    void hardStateIsLastWinsAndNullMeansUnchanged() throws Exception {
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
            store.save(new HardState(1, "a", 0), List.of());
            store.save(new HardState(2, null, 0), List.of());
            store.save(null, entries(1, 2, 2));
        }
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
            assertEquals(new HardState(2, null, 0), store.recovered().hardState());
        }
    }

    @Test
    void rejectsGapsAndNonContiguousBatches() throws Exception {
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
            store.save(null, entries(1, 3, 1));
            assertThrows(IllegalArgumentException.class, () -> store.save(null, entries(5, 6, 1)));
            assertThrows(IllegalArgumentException.class, () -> store.save(null, List.of(entry(1, 4), entry(1, 6))));
            store.save(null, entries(4, 4, 1)); // still usable: nothing was written
        }
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults())) {
            assertSameEntries(entries(1, 4, 1), store.recovered().entries());
        }
    }

    @Test
    void oneFsyncPerSaveAndNoneForEmptySave() throws Exception {
        List<Double> fsyncs = new ArrayList<>();
        StoreOptions options = StoreOptions.defaults().withFsyncObserver(fsyncs::add);
        try (RaftLogStore store = RaftLogStore.open(dir, options)) {
            int atOpen = fsyncs.size();
            store.save(new HardState(1, "x", 0), entries(1, 100, 1));
            store.save(null, List.of());
            assertEquals(atOpen + 1, fsyncs.size());
            assertTrue(fsyncs.get(fsyncs.size() - 1) >= 0);
        }
    }

    @Test
    void closedStoreRefusesWrites() throws Exception {
        RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults());
        store.close();
        store.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> store.save(null, entries(1, 1, 1)));
    }
}
