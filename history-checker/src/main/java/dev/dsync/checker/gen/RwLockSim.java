package dev.dsync.checker.gen;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A try-lock service with S/X modes, fences and leases: an acquire that conflicts with a live
 * lease fails; leases older than {@code leaseTtl} are expired lazily when someone needs the lock.
 */
public final class RwLockSim implements SimModel {
    private record Hold(char mode, long since) {
    }

    private final long leaseTtl;
    private final Map<String, Map<String, Hold>> holders = new HashMap<>();
    private long fence;

    public RwLockSim(long leaseTtlNanos) {
        this.leaseTtl = leaseTtlNanos;
    }

    @Override
    public Planned plan(SplittableRandom r, String key, String client, long now) {
        boolean holds = holders.getOrDefault(key, Map.of()).containsKey(client);
        if (holds && r.nextInt(4) != 0) {
            return new Planned("release", key, Map.of("client", client), client);
        }
        String mode = r.nextBoolean() ? "S" : "X";
        return new Planned("acquire", key, Map.of("mode", mode, "client", client), client);
    }

    @Override
    public Applied apply(Planned op, long now, boolean acknowledged) {
        Map<String, Hold> h = holders.computeIfAbsent(op.key(), k -> new HashMap<>());
        if (op.f().equals("release")) {
            return new Applied(h.remove(op.client()) != null, null);
        }
        h.values().removeIf(hold -> now - hold.since() > leaseTtl);
        char mode = ((String) ((Map<?, ?>) op.value()).get("mode")).charAt(0);
        boolean conflict = h.containsKey(op.client())
                || (!h.isEmpty() && (mode == 'X' || h.values().stream().anyMatch(x -> x.mode() == 'X')));
        if (conflict) {
            return new Applied(false, null);
        }
        h.put(op.client(), new Hold(mode, now));
        return new Applied(true, Map.of("fence", ++fence));
    }
}
