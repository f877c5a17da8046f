package dev.dsync.queue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Maps message keys to partitions by consistent hashing: each partition owns {@code vnodes} points
 * on a 32-bit ring, and a key belongs to the partition owning the first point at or after the key's
 * hash (wrapping around). With more partitions only about 1/n of the keys would move.
 *
 * <p>The hash is CRC32 of the UTF-8 bytes followed by an avalanche step (CRC32 alone spreads short,
 * similar strings poorly). It is fixed by this code, not by the JVM, so every replica and every
 * version of a replica computes the same partition. Changing it, {@link #PARTITIONS} or
 * {@link #VNODES} changes where existing messages would be filed: don't, without a migration.
 */
public final class PartitionRing {
    public static final int PARTITIONS = 8;
    public static final int VNODES = 16;
    public static final PartitionRing DEFAULT = new PartitionRing(PARTITIONS, VNODES);

    private final int partitions;
    /** Ring point -> partition. Points that collide keep the lower partition (deterministic). */
    private final TreeMap<Integer, Integer> ring = new TreeMap<>();

    PartitionRing(int partitions, int vnodes) {
        if (partitions < 1 || vnodes < 1) {
            throw new IllegalArgumentException("need at least one partition and one vnode");
        }
        this.partitions = partitions;
        for (int p = 0; p < partitions; p++) {
            for (int v = 0; v < vnodes; v++) {
                ring.putIfAbsent(hash("partition-" + p + "/vnode-" + v), p);
            }
        }
    }

    public int partitions() {
        return partitions;
    }

    public int partitionOf(String key) {
        Map.Entry<Integer, Integer> owner = ring.ceilingEntry(hash(key));
        return (owner != null ? owner : ring.firstEntry()).getValue();
    }

    static int hash(String s) {
        CRC32 crc = new CRC32();
        crc.update(s.getBytes(StandardCharsets.UTF_8));
        int h = (int) crc.getValue();
        // Avalanche finalizer (xor-shift-multiply): every input bit affects every output bit.
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
