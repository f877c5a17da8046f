package dev.dsync.chaos.nemesis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The pure parts of the membership nemesis and of link matching once nodes join at run time. */
class MembershipStepsTest {

    @Test
    void aFollowerIsNeverTheLeader() {
        Random pick = new Random(7);
        for (int i = 0; i < 100; i++) {
            assertFalse(MembershipSteps.oneOf(MembershipSteps.others(List.of("lock-1", "lock-2", "lock-3"), "lock-2"), pick)
                    .equals("lock-2"));
        }
        assertThrows(IllegalStateException.class, () -> MembershipSteps.oneOf(List.of(), pick));
    }

    @Test
    void theRunsFaultListSaysWhatWasAddedAndRemoved() {
        Map<String, Object> replace = new LinkedHashMap<>();
        replace.put("added", "lock-4");
        replace.put("removed", "lock-2");
        assertEquals("+lock-4 -lock-2", MembershipSteps.summary(replace));
        assertEquals("-lock-1", MembershipSteps.summary(Map.of("removed", "lock-1")));
        assertEquals("(skipped)", MembershipSteps.summary(Map.of("skipped", "no process backend")));
    }

    @Test
    void linksAreReadByTheirEndpointsNotBySubstrings() {
        assertArrayEquals(new String[] {"lock-1", "lock-2"}, LinkFaults.endpoints("lock", "lock_lock-1_to_lock-2"));
        assertArrayEquals(new String[] {"peers", "lock-10"}, LinkFaults.endpoints("lock", "lock_peers_to_lock-10"));
        assertArrayEquals(new String[] {"cache-10", "cache-1"}, LinkFaults.endpoints("cache", "cache_cache-10_to_cache-1"));
    }
}
