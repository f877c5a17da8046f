package dev.dsync.checker.reference;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.checker.history.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reference models for the differential tests. States are immutable Java values. */
public final class RefModels {
    private RefModels() {
    }

    private static String text(JsonNode n) {
        return n == null ? "null" : n.toString();
    }

    /** Register (with cas if {@code cas}); the state is the JSON text of the value. */
    public static RefModel register(boolean cas) {
        return new RefModel() {
            @Override
            public Object initial() {
                return "null";
            }

            @Override
            public List<Object> apply(Object state, Operation op, boolean known) {
                return switch (op.f()) {
                    case "read" -> !known || state.equals(text(op.resultValue())) ? List.of(state) : List.of();
                    case "write" -> List.of(text(op.invokeValue()));
                    case "cas" -> cas && state.equals(text(op.invokeValue().get(0)))
                            ? List.of(text(op.invokeValue().get(1))) : List.of();
                    default -> throw new IllegalArgumentException(op.f());
                };
            }
        };
    }

    /** FIFO queue; the state is the list of JSON texts. An unknown dequeue may remove the head. */
    public static RefModel fifo() {
        return new RefModel() {
            @Override
            public Object initial() {
                return List.of();
            }

            @Override
            public List<Object> apply(Object state, Operation op, boolean known) {
                @SuppressWarnings("unchecked")
                List<String> q = (List<String>) state;
                if (op.f().equals("enqueue")) {
                    List<String> r = new ArrayList<>(q);
                    r.add(text(op.invokeValue()));
                    return List.of(List.copyOf(r));
                }
                if (!known) {
                    return q.isEmpty() ? List.of(q) : List.of(List.copyOf(q.subList(1, q.size())));
                }
                String got = text(op.resultValue());
                if (got.equals("null")) {
                    return q.isEmpty() ? List.of(q) : List.of();
                }
                return !q.isEmpty() && q.get(0).equals(got) ? List.of(List.copyOf(q.subList(1, q.size()))) : List.of();
            }
        };
    }

    /** Lock state: holders (client to mode) and the last granted fence (null if none). */
    record Lock(Map<String, Character> holders, Long lastFence) {
    }

    /**
     * Reader-writer lock with fences. With {@code expiry}, before any operation any subset of
     * the holders may lose their lease: explicit nondeterminism, independent of the
     * production model's lazy eviction.
     */
    public static RefModel rwLock(boolean expiry) {
        return new RefModel() {
            private java.util.Set<Long> reacquires = java.util.Set.of();

            @Override
            public Object initial() {
                return new Lock(Map.of(), null);
            }

            @Override
            public void prepare(List<Operation> ops) {
                List<Operation> live = ops.stream().filter(o -> o.outcome() != dev.dsync.checker.history.Outcome.FAIL).toList();
                reacquires = dev.dsync.checker.model.LockReacquires.find(live, RefModels::lockClient, live.isEmpty() ? null : live.get(0).key());
            }

            @Override
            public List<Object> apply(Object state, Operation op, boolean known) {
                List<Object> out = new ArrayList<>();
                for (Lock l : expiry ? expirations((Lock) state) : List.of((Lock) state)) {
                    Lock next = reacquires.contains(op.invokeIndex()) ? reacquire(l, op) : strict(l, op, known);
                    if (next != null && !out.contains(next)) {
                        out.add(next);
                    }
                }
                return out;
            }
        };
    }

    private static List<Lock> expirations(Lock l) {
        List<String> clients = new ArrayList<>(l.holders().keySet());
        List<Lock> out = new ArrayList<>();
        for (int mask = 0; mask < (1 << clients.size()); mask++) {
            Map<String, Character> kept = new TreeMap<>();
            for (int i = 0; i < clients.size(); i++) {
                if ((mask & (1 << i)) != 0) {
                    kept.put(clients.get(i), l.holders().get(clients.get(i)));
                }
            }
            out.add(new Lock(Map.copyOf(kept), l.lastFence()));
        }
        return out;
    }

    static String lockClient(Operation op) {
        JsonNode v = op.invokeValue();
        return v != null && v.has("client") ? v.get("client").asText() : Integer.toString(op.process());
    }

    /** An idempotent re-acquire: the client holds the lock in a mode that covers the request; nothing changes. */
    private static Lock reacquire(Lock l, Operation op) {
        Character held = l.holders().get(lockClient(op));
        char asked = op.invokeValue().get("mode").asText().charAt(0);
        return held != null && (held == 'X' || asked == 'S') ? l : null;
    }

    private static Lock strict(Lock l, Operation op, boolean known) {
        JsonNode v = op.invokeValue();
        String client = lockClient(op);
        Map<String, Character> h = new TreeMap<>(l.holders());
        if (op.f().equals("release")) {
            JsonNode r = op.resultValue();
            boolean withdrawal = r != null && r.path("was_waiting").asBoolean(false);
            return h.remove(client) == null && !withdrawal ? null : new Lock(Map.copyOf(h), l.lastFence());
        }
        char mode = v.get("mode").asText().charAt(0);
        if (h.containsKey(client) || (!h.isEmpty() && (mode == 'X' || h.containsValue('X')))) {
            return null;
        }
        Long fence = l.lastFence();
        JsonNode r = op.resultValue();
        JsonNode f = r != null && r.isObject() ? r.get("fence") : r;
        if (known && f != null && !f.isNull()) {
            if (fence != null && f.asLong() <= fence) {
                return null;
            }
            fence = f.asLong();
        }
        h.put(client, mode);
        return new Lock(Map.copyOf(h), fence);
    }
}
