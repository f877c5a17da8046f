package dev.dsync.checker.gen;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** A linearizable FIFO queue per key with unique enqueued values; dequeue of an empty queue returns null. */
public final class FifoQueueSim implements SimModel {
    private final Map<String, ArrayDeque<Integer>> queues = new HashMap<>();
    private int next;

    @Override
    public Planned plan(SplittableRandom r, String key, String client, long now) {
        return r.nextBoolean() ? new Planned("enqueue", key, ++next, client) : new Planned("dequeue", key, null, client);
    }

    @Override
    public Applied apply(Planned op, long now, boolean acknowledged) {
        ArrayDeque<Integer> q = queues.computeIfAbsent(op.key(), k -> new ArrayDeque<>());
        if (op.f().equals("enqueue")) {
            q.addLast((Integer) op.value());
            return new Applied(true, op.value());
        }
        return new Applied(true, q.pollFirst());
    }
}
