package dev.dsync.checker.model;

import dev.dsync.checker.linear.SearchAbort;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Interns queue contents (sequences of value ids) as dense long ids, so a FIFO queue state is
 * a long like every other model state. Id 0 is the empty queue. Bounded: past
 * {@code maxStates} distinct contents the search is aborted (verdict unknown).
 */
final class QueueStates {
    private record Contents(int[] items) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Contents c && Arrays.equals(items, c.items);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(items);
        }
    }

    private final Map<Contents, Long> ids = new HashMap<>();
    private final List<int[]> byId = new ArrayList<>();
    private final int maxStates;

    QueueStates(int maxStates) {
        this.maxStates = maxStates;
        intern(new int[0]);
    }

    int[] contents(long id) {
        return byId.get((int) id);
    }

    long intern(int[] items) {
        Contents c = new Contents(items);
        Long id = ids.get(c);
        if (id == null) {
            if (byId.size() >= maxStates) {
                throw new SearchAbort("more than " + maxStates + " distinct queue states");
            }
            id = (long) byId.size();
            ids.put(c, id);
            byId.add(items);
        }
        return id;
    }

    long append(long id, int value) {
        int[] q = contents(id);
        int[] r = Arrays.copyOf(q, q.length + 1);
        r[q.length] = value;
        return intern(r);
    }

    long tail(long id) {
        int[] q = contents(id);
        return intern(Arrays.copyOfRange(q, 1, q.length));
    }
}
