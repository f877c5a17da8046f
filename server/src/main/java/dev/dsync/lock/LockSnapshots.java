package dev.dsync.lock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.statemachine.CommandCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Snapshot images of a {@link LockTable} as JSON. The per-client key indexes are not stored: they
 * are rebuilt from the key table, and the result is checked with {@link LockInvariants} so a
 * corrupt image is refused instead of silently diverging.
 */
final class LockSnapshots {
    static final int FORMAT = 2;
    private static final ObjectMapper JSON = CommandCodec.STRICT_JSON;

    record Image(int format, long clockMs, long expiredTotal, long deadlocksTotal, long lastIssuedFence,
                 List<KeyImage> keys, List<LeaseImage> leases) {}

    record KeyImage(String key, long lastFence, List<HolderImage> holders, List<WaiterImage> queue) {}

    record HolderImage(String clientId, LockMode mode, long fence) {}

    record WaiterImage(String clientId, LockMode mode) {}

    record LeaseImage(String clientId, long deadlineMs, long ttlMs, long refreshIndex) {}

    private LockSnapshots() {}

    /**
     * Format 1 images had no refresh index per lease: give them 0. The index only has to change on
     * each refresh; a leader restoring the image starts every countdown afresh anyway.
     */
    private static JsonNode upgradeFormat1(JsonNode tree) {
        if (tree instanceof ObjectNode image && image.path("format").asInt() == 1) {
            for (JsonNode lease : image.path("leases")) {
                if (lease instanceof ObjectNode l) {
                    l.put("refreshIndex", 0L);
                }
            }
            image.put("format", FORMAT);
        }
        return tree;
    }

    static byte[] encode(LockTable table) {
        List<KeyImage> keys = new ArrayList<>();
        for (KeyLock lock : table.keys.values()) {
            List<HolderImage> holders = new ArrayList<>();
            lock.holders.forEach((id, h) -> holders.add(new HolderImage(id, h.mode(), h.fence())));
            List<WaiterImage> queue = new ArrayList<>();
            lock.queue.forEach(w -> queue.add(new WaiterImage(w.clientId(), w.mode())));
            keys.add(new KeyImage(lock.key, lock.lastFence, holders, queue));
        }
        List<LeaseImage> leases = new ArrayList<>();
        table.clients.values().forEach(l -> leases.add(new LeaseImage(l.clientId, l.deadlineMs, l.ttlMs, l.refreshIndex)));
        Image image = new Image(FORMAT, table.clockMs, table.expiredTotal, table.deadlocksTotal, table.lastIssuedFence, keys, leases);
        try {
            return JSON.writeValueAsBytes(image);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode lock snapshot", e);
        }
    }

    /** @throws IllegalArgumentException if the image is unreadable or describes an inconsistent state */
    static LockTable decode(byte[] bytes) {
        Image image;
        try {
            image = JSON.treeToValue(upgradeFormat1(JSON.readTree(bytes)), Image.class);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("corrupt lock snapshot", e);
        }
        if (image.format() != FORMAT) {
            throw new IllegalArgumentException("unknown lock snapshot format " + image.format());
        }
        LockTable table = new LockTable();
        table.clockMs = image.clockMs();
        table.expiredTotal = image.expiredTotal();
        table.deadlocksTotal = image.deadlocksTotal();
        table.lastIssuedFence = image.lastIssuedFence();
        try {
            for (LeaseImage l : image.leases()) {
                table.clients.put(l.clientId(), new ClientLease(l.clientId(), l.deadlineMs(), l.ttlMs(), l.refreshIndex()));
            }
            for (KeyImage k : image.keys()) {
                KeyLock lock = table.lockOf(k.key());
                for (HolderImage h : k.holders()) {
                    table.hold(lock, h.clientId(), h.mode(), h.fence());
                }
                for (WaiterImage w : k.queue()) {
                    table.enqueue(lock, new KeyLock.Waiter(w.clientId(), w.mode()), false);
                }
                lock.lastFence = k.lastFence();
            }
            LockInvariants.check(table);
        } catch (RuntimeException | AssertionError e) {
            throw new IllegalArgumentException("inconsistent lock snapshot: " + e.getMessage(), e);
        }
        return table;
    }
}
