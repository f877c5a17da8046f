package dev.dsync.checker.gen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A queue with delivery leases, acks, nacks and per-key FIFO, as dsync's: a dequeue hands out
 * the head of the first message key whose head is visible (never delivered, lease run out, or
 * nack delay over), under a new receipt, invisible for {@code visibilityMs}; an ack or nack
 * answers ok only with the message's current receipt. Clients ack or nack what they were given.
 * A final drain returns every message not acked. Valid for total-queue's timed checks by construction.
 */
public final class TimedQueueSim implements SimModel {
    private static final long MS = 1_000_000L;
    private static final String[] KEYS = {"k0", "k1", "k2"};

    /** One message; {@code receipt} is null until delivered, {@code visibleAt} when it may be handed out. */
    private static final class Msg {
        final long id;
        final int value;
        final String key;
        int deliveries;
        String receipt;
        long visibleAt = Long.MIN_VALUE;

        Msg(long id, int value, String key) {
            this.id = id;
            this.value = value;
            this.key = key;
        }
    }

    private final long visibilityMs;
    /** Per queue: per message key, its messages not acked, in enqueue order (the head first). */
    private final Map<String, LinkedHashMap<String, List<Msg>>> queues = new HashMap<>();
    private final Map<String, Msg> byReceipt = new HashMap<>();
    /** Per client: the delivery it holds and has not settled yet, if any. */
    private final Map<String, String> held = new HashMap<>();
    private int nextValue;
    private long nextId;

    public TimedQueueSim(long visibilityMs) {
        this.visibilityMs = visibilityMs;
    }

    @Override
    public Planned plan(SplittableRandom r, String key, String client, long now) {
        String receipt = held.remove(client);
        if (receipt != null) {
            Msg m = byReceipt.get(receipt);
            Map<String, Object> v = new HashMap<>(Map.of("msg_id", m.id, "receipt", receipt));
            if (r.nextInt(4) == 0) {
                v.put("delay_ms", r.nextInt(3));
                return new Planned("nack", key, v, client);
            }
            return new Planned("ack", key, v, client);
        }
        if (r.nextInt(5) < 2) {
            return new Planned("enqueue", key, ++nextValue, client);
        }
        return new Planned("dequeue", key, Map.of("visibility_ms", visibilityMs, "consumer", client), client);
    }

    @Override
    public Applied apply(Planned op, long now, boolean acknowledged) {
        LinkedHashMap<String, List<Msg>> q = queues.computeIfAbsent(op.key(), k -> new LinkedHashMap<>());
        switch (op.f()) {
            case "enqueue" -> {
                int v = (Integer) op.value();
                Msg m = new Msg(++nextId, v, KEYS[v % KEYS.length]);
                q.computeIfAbsent(m.key, k -> new ArrayList<>()).add(m);
                return new Applied(true, v);
            }
            case "dequeue" -> {
                for (List<Msg> perKey : q.values()) {
                    Msg head = perKey.isEmpty() ? null : perKey.get(0);
                    if (head != null && head.visibleAt < now) {
                        head.deliveries++;
                        head.receipt = head.id + "-" + head.deliveries;
                        head.visibleAt = now + visibilityMs * MS;
                        byReceipt.put(head.receipt, head);
                        if (acknowledged) {
                            held.put(op.client(), head.receipt);
                        }
                        return new Applied(true, Map.of("value", head.value, "msg_id", head.id, "receipt", head.receipt,
                                "delivery_count", head.deliveries, "msg_key", head.key));
                    }
                }
                return new Applied(true, null);
            }
            case "ack", "nack" -> {
                String receipt = (String) ((Map<?, ?>) op.value()).get("receipt");
                Msg m = byReceipt.get(receipt);
                if (m == null || !receipt.equals(m.receipt) || !q.getOrDefault(m.key, List.of()).contains(m)) {
                    return new Applied(false, null); // stale receipt
                }
                if (op.f().equals("ack")) {
                    q.get(m.key).remove(m);
                } else {
                    m.receipt = null;
                    m.visibleAt = now + ((Integer) ((Map<?, ?>) op.value()).get("delay_ms")) * MS;
                }
                return new Applied(true, null);
            }
            default -> { // drain
                List<Integer> all = new ArrayList<>();
                q.values().forEach(perKey -> perKey.forEach(m -> all.add(m.value)));
                q.clear();
                return new Applied(true, all);
            }
        }
    }

    @Override
    public List<Planned> finalOps(List<String> keys) {
        return keys.stream().map(k -> new Planned("drain", k, null, "drainer")).toList();
    }
}
