package dev.dsync.checker.model;

import dev.dsync.checker.linear.SearchAbort;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Interns timed lock states as dense long ids, so the search keeps hashing and memoizing longs.
 * A state is {@code [base, now, bound of each holder in bit order]}: {@code base} is the untimed
 * encoding (fence rank, X bit, holder bits; see {@link RwLockModel}), {@code now} the earliest
 * time the linearization can have reached, and a holder's bound the instant before which its
 * lease cannot have run out. Bounded: past {@code maxStates} the search is aborted (unknown).
 */
final class TimedLockStates {
    private record Key(long[] words) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(words, k.words);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(words);
        }
    }

    private final Map<Key, Long> ids = new HashMap<>();
    private final List<long[]> byId = new ArrayList<>();
    private final int maxStates;

    TimedLockStates(int maxStates) {
        this.maxStates = maxStates;
    }

    long[] get(long id) {
        return byId.get((int) id);
    }

    long intern(long[] words) {
        Key k = new Key(words);
        Long id = ids.get(k);
        if (id == null) {
            if (byId.size() >= maxStates) {
                throw new SearchAbort("more than " + maxStates + " distinct timed lock states");
            }
            id = (long) byId.size();
            ids.put(k, id);
            byId.add(words);
        }
        return id;
    }
}
