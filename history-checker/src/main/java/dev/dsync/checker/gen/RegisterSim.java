package dev.dsync.checker.gen;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** A cas-register per key (or a plain register): 50% reads, 25% writes, 25% cas (if enabled). */
public final class RegisterSim implements SimModel {
    private final boolean cas;
    private final int domain;
    private final Map<String, Integer> state = new HashMap<>();
    private int nextValue;

    /** @param domain 0 for unique write values, else values in 0..domain-1 */
    public RegisterSim(boolean cas, int domain) {
        this.cas = cas;
        this.domain = domain;
    }

    private int value(SplittableRandom r) {
        return domain == 0 ? ++nextValue : r.nextInt(domain);
    }

    @Override
    public Planned plan(SplittableRandom r, String key, String client, long now) {
        int roll = r.nextInt(4);
        if (roll < 2) {
            return new Planned("read", key, null, client);
        }
        if (roll == 2 || !cas) {
            return new Planned("write", key, value(r), client);
        }
        Integer cur = state.get(key);
        // Half the time expect the current value so that some cas operations succeed.
        int expected = cur != null && r.nextBoolean() ? cur : domain == 0 ? r.nextInt(Math.max(1, nextValue)) + 1 : r.nextInt(domain);
        return new Planned("cas", key, List.of(expected, value(r)), client);
    }

    @Override
    public Applied apply(Planned op, long now, boolean acknowledged) {
        Integer cur = state.get(op.key());
        switch (op.f()) {
            case "read" -> {
                return new Applied(true, cur);
            }
            case "write" -> {
                state.put(op.key(), (Integer) op.value());
                return new Applied(true, op.value());
            }
            default -> {
                List<?> ev = (List<?>) op.value();
                if (cur != null && cur.equals(ev.get(0))) {
                    state.put(op.key(), (Integer) ev.get(1));
                    return new Applied(true, op.value());
                }
                return new Applied(false, op.value());
            }
        }
    }
}
