package dev.dsync.cache;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Snapshot images of a {@link CacheTable} as JSON: the clock, the version counter, the metrics
 * counters, and every key (sorted) with its value, version and holders (sorted). The per-node index
 * is rebuilt from the directory, so the image is canonical (a restored table snapshots to the same
 * bytes) and is checked with {@link CacheInvariants} before use.
 */
final class CacheSnapshots {
    static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES);

    record Image(int format, long clockMs, long lastVersion, long writesTotal, long invalidationsTotal,
                 long fillsTotal, long staleFillsTotal, long downgradesTotal, long evictionsTotal,
                 List<KeyImage> keys) {}

    record KeyImage(String key, JsonNode value, long version, List<CopyImage> holders) {}

    record CopyImage(String node, LineState state, long version, long since) {}

    private CacheSnapshots() {}

    static byte[] encode(CacheTable table) {
        List<KeyImage> keys = new ArrayList<>();
        for (DirectoryEntry entry : table.keys.values()) {
            List<CopyImage> holders = new ArrayList<>();
            entry.copies.forEach((node, copy) -> holders.add(new CopyImage(node, copy.state(), copy.version(), copy.since())));
            keys.add(new KeyImage(entry.key, entry.value, entry.version, holders));
        }
        Image image = new Image(FORMAT, table.clockMs, table.lastVersion, table.writesTotal, table.invalidationsTotal,
                table.fillsTotal, table.staleFillsTotal, table.downgradesTotal, table.evictionsTotal, keys);
        try {
            return JSON.writeValueAsBytes(image);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode cache snapshot", e);
        }
    }

    /** @throws IllegalArgumentException if the image is unreadable or describes an inconsistent state */
    static CacheTable decode(byte[] bytes) {
        Image image;
        try {
            image = JSON.readValue(bytes, Image.class);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("corrupt cache snapshot", e);
        }
        if (image == null) {
            throw new IllegalArgumentException("empty cache snapshot");
        }
        if (image.format() != FORMAT) {
            throw new IllegalArgumentException("unknown cache snapshot format " + image.format());
        }
        CacheTable table = new CacheTable();
        table.clockMs = image.clockMs();
        table.lastVersion = image.lastVersion();
        table.writesTotal = image.writesTotal();
        table.invalidationsTotal = image.invalidationsTotal();
        table.fillsTotal = image.fillsTotal();
        table.staleFillsTotal = image.staleFillsTotal();
        table.downgradesTotal = image.downgradesTotal();
        table.evictionsTotal = image.evictionsTotal();
        try {
            String previousKey = null;
            for (KeyImage k : image.keys()) {
                // Strictly ascending keys and holders: a canonical image lists each once, in order.
                require(previousKey == null || previousKey.compareTo(k.key()) < 0, "keys not strictly ascending at " + k.key());
                previousKey = k.key();
                DirectoryEntry entry = new DirectoryEntry(k.key(), k.value(), k.version());
                table.keys.put(k.key(), entry);
                String previousNode = null;
                for (CopyImage c : k.holders()) {
                    require(previousNode == null || previousNode.compareTo(c.node()) < 0,
                            "holders of " + k.key() + " not strictly ascending at " + c.node());
                    previousNode = c.node();
                    require(c.version() == k.version(), "holder " + c.node() + " of " + k.key() + " has a stale version");
                    require(c.since() >= c.version(), "holder " + c.node() + " of " + k.key() + " changed before its version was written");
                    table.setCopy(entry, c.node(), c.state(), c.since());
                }
            }
            CacheInvariants.check(table);
        } catch (RuntimeException | AssertionError e) {
            throw new IllegalArgumentException("inconsistent cache snapshot: " + e.getMessage(), e);
        }
        return table;
    }

    private static void require(boolean ok, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(problem);
        }
    }
}
