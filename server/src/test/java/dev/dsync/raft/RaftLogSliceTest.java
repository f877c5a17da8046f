package dev.dsync.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RaftLogSliceTest {

    private static RaftLog logOf(int... sizes) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            entries.add(new Entry(1, i + 1, new byte[sizes[i]]));
        }
        return new RaftLog(new PersistentState(HardState.INITIAL, null, entries), Membership.EMPTY);
    }

    @Test
    void appendsStopBeforeTheByteBudgetButNeverCarryNothing() {
        RaftLog log = logOf(400, 400, 400, 5000, 10);
        assertEquals(2, log.slice(1, 5, 100, 1000).size());
        assertEquals(1, log.slice(4, 5, 100, 1000).size(), "one oversized entry still goes alone");
        assertEquals(5, log.slice(1, 5, 100, Long.MAX_VALUE).size());
        assertEquals(3, log.slice(1, 5, 3, Long.MAX_VALUE).size(), "the count cap still applies");
    }
}
