package dev.dsync.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dsync.node.NodeConfig;
import dev.dsync.raft.Entry;
import dev.dsync.raft.HardState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node option the fsync comparison uses: --fsync / FSYNC, on unless switched off. */
class FsyncOptionTest {
    private static final Map<String, String> ENV = Map.of("SERVICE", "queue", "NODE_ID", "queue-1", "PORT", "9100",
            "PEERS", "queue-1=http://127.0.0.1:9100", "DATA_DIR", "/tmp/x");

    @Test
    void onByDefaultOffOnlyWhenAsked() {
        assertTrue(NodeConfig.parse(new String[0], ENV::get).fsync());
        assertFalse(NodeConfig.parse(new String[] {"--fsync", "false"}, ENV::get).fsync());
        assertFalse(NodeConfig.parse(new String[] {"--fsync=FALSE"}, ENV::get).fsync());
        Map<String, String> env = new java.util.HashMap<>(ENV);
        env.put("FSYNC", "false");
        assertFalse(NodeConfig.parse(new String[0], env::get).fsync());
        assertTrue(NodeConfig.parse(new String[] {"--fsync", "true"}, env::get).fsync(), "the flag wins over the environment");
        NodeConfig.ConfigException e = assertThrows(NodeConfig.ConfigException.class,
                () -> NodeConfig.parse(new String[] {"--fsync", "no"}, ENV::get));
        assertEquals("--fsync must be true or false, not 'no'", e.getMessage());
        assertTrue(NodeConfig.usage().contains("--fsync"));
        assertTrue(StoreOptions.defaults().fsync());
    }

    @Test
    void offSkipsTheFsyncOfEachAppendButKeepsTheData(@TempDir Path dir) throws Exception {
        List<Double> fsyncs = new ArrayList<>();
        List<Entry> entries = List.of(entry(1), entry(2), entry(3));
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults().withFsyncObserver(fsyncs::add).withFsync(false))) {
            store.save(new HardState(1, "queue-1", 2), entries);
            store.save(null, List.of(entry(4)));
        }
        assertEquals(List.of(), fsyncs, "no data fsync with fsync off");
        try (RaftLogStore store = RaftLogStore.open(dir, StoreOptions.defaults().withFsyncObserver(fsyncs::add))) {
            assertEquals(4, store.recovered().entries().size(), "a clean close still leaves every entry readable");
            store.save(null, List.of(entry(5)));
        }
        assertEquals(1, fsyncs.size(), "fsync on (the default): one per save");
    }

    private static Entry entry(long index) {
        return new Entry(1, index, ("e" + index).getBytes(StandardCharsets.UTF_8));
    }
}
