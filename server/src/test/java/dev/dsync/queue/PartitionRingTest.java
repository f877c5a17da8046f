package dev.dsync.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PartitionRingTest {

    @Test
    void everyPartitionGetsAFairShareOfKeys() {
        int[] counts = new int[PartitionRing.PARTITIONS];
        int keys = 16_000;
        for (int i = 0; i < keys; i++) {
            counts[PartitionRing.DEFAULT.partitionOf("user-" + i)]++;
        }
        for (int p = 0; p < counts.length; p++) {
            // 16 vnodes each: shares vary, but no partition is starved or swamped.
            assertTrue(counts[p] > keys / PartitionRing.PARTITIONS / 3 && counts[p] < keys / PartitionRing.PARTITIONS * 3,
                    "partition " + p + " got " + counts[p]);
        }
    }

    @Test
    void theMappingIsFixedByTheCodeNotTheJvm() {
        // Golden values: if these change, messages already stored would be filed differently.
        assertEquals(7, PartitionRing.DEFAULT.partitionOf("a"));
        assertEquals(3, PartitionRing.DEFAULT.partitionOf("order-1"));
        assertEquals(6, PartitionRing.DEFAULT.partitionOf("printer"));
        assertEquals(0, PartitionRing.DEFAULT.partitionOf("ключ"));
        assertEquals(3, PartitionRing.DEFAULT.partitionOf(""));
    }

    @Test
    void addingAPartitionMovesFewKeys() {
        PartitionRing eight = new PartitionRing(8, 16);
        PartitionRing nine = new PartitionRing(9, 16);
        int moved = 0;
        int keys = 9_000;
        for (int i = 0; i < keys; i++) {
            int before = eight.partitionOf("k" + i);
            int after = nine.partitionOf("k" + i);
            if (before != after) {
                moved++;
                assertEquals(8, after, "a key moved between old partitions");
            }
        }
        assertTrue(moved > 0 && moved < keys / 4, moved + " of " + keys + " keys moved");
    }
}
