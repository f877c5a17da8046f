package dev.dsync.checker.gen;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * An at-least-once queue: a delivery the consumer does not acknowledge (its dequeue ends as
 * info) is put back, and a small fraction of acknowledged deliveries is redelivered anyway
 * (duplicates). Nothing is ever lost; a final drain empties every queue.
 */
public final class TotalQueueSim implements SimModel {
    private final Map<String, ArrayDeque<Integer>> queues = new HashMap<>();
    private final SplittableRandom dup;
    private int next;

    public TotalQueueSim(long seed) {
        this.dup = new SplittableRandom(seed ^ 0xD0B1EL);
    }

    @Override
    public Planned plan(SplittableRandom r, String key, String client, long now) {
        return r.nextInt(5) < 3 ? new Planned("enqueue", key, ++next, client) : new Planned("dequeue", key, null, client);
    }

    @Override
    public Applied apply(Planned op, long now, boolean acknowledged) {
        ArrayDeque<Integer> q = queues.computeIfAbsent(op.key(), k -> new ArrayDeque<>());
        switch (op.f()) {
            case "enqueue" -> {
                q.addLast((Integer) op.value());
                return new Applied(true, op.value());
            }
            case "drain" -> {
                List<Integer> all = new ArrayList<>(q);
                q.clear();
                return new Applied(true, all);
            }
            default -> {
                Integer m = q.pollFirst();
                if (m != null && (!acknowledged || dup.nextInt(20) == 0)) {
                    q.addLast(m); // redelivered later
                }
                return new Applied(true, m);
            }
        }
    }

    @Override
    public List<Planned> finalOps(List<String> keys) {
        return keys.stream().map(k -> new Planned("drain", k, null, "drainer")).toList();
    }
}
