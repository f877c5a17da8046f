package dev.dsync.checker.gen;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A lock service with timed leases, as dsync's: one lease per client, refreshed by every ok
 * acquire (any key) and by key-less renews; once it has run out ({@code ttl} after the last
 * refresh took effect) the client loses every lock it holds. Acquires carry {@code ttl_ms}, so
 * the histories are checked with the timed lease model, and they are valid for it by
 * construction: a lease the checker counts on (invoke + ttl x (1 - rho)) never ends before this
 * server's (refresh instant + ttl).
 */
public final class TimedRwLockSim implements SimModel {
    private record Hold(char mode) {
    }

    private final long ttlMillis;
    private final Map<String, Map<String, Hold>> holders = new HashMap<>();
    private final Map<String, Long> leaseUntil = new HashMap<>();
    private long fence;

    public TimedRwLockSim(long ttlMillis) {
        this.ttlMillis = ttlMillis;
    }

    @Override
    public Planned plan(SplittableRandom r, String key, String client, long now) {
        boolean holdsAny = holders.values().stream().anyMatch(h -> h.containsKey(client));
        if (holdsAny && r.nextInt(3) == 0) {
            return new Planned("renew", null, Map.of("client", client, "ttl_ms", ttlMillis), client);
        }
        boolean holds = holders.getOrDefault(key, Map.of()).containsKey(client);
        if (holds && r.nextInt(4) != 0) {
            return new Planned("release", key, Map.of("client", client), client);
        }
        String mode = r.nextBoolean() ? "S" : "X";
        return new Planned("acquire", key, Map.of("mode", mode, "client", client, "ttl_ms", ttlMillis), client);
    }

    @Override
    public Applied apply(Planned op, long now, boolean acknowledged) {
        expireLeases(now);
        String client = op.client();
        switch (op.f()) {
            case "renew" -> {
                long locks = holders.values().stream().filter(h -> h.containsKey(client)).count();
                if (locks > 0) {
                    leaseUntil.put(client, now + ttlMillis * 1_000_000L);
                }
                return new Applied(true, Map.of("renewed", locks > 0, "locks", locks));
            }
            case "release" -> {
                return new Applied(holders.computeIfAbsent(op.key(), k -> new HashMap<>()).remove(client) != null, null);
            }
            default -> {
                Map<String, Hold> h = holders.computeIfAbsent(op.key(), k -> new HashMap<>());
                char mode = ((String) ((Map<?, ?>) op.value()).get("mode")).charAt(0);
                boolean conflict = h.containsKey(client)
                        || (!h.isEmpty() && (mode == 'X' || h.values().stream().anyMatch(x -> x.mode() == 'X')));
                if (conflict) {
                    return new Applied(false, null);
                }
                h.put(client, new Hold(mode));
                leaseUntil.put(client, now + ttlMillis * 1_000_000L);
                return new Applied(true, Map.of("fence", ++fence));
            }
        }
    }

    /** Every client whose lease has run out loses all its locks. */
    private void expireLeases(long now) {
        leaseUntil.entrySet().removeIf(e -> {
            if (e.getValue() >= now) {
                return false;
            }
            holders.values().forEach(h -> h.remove(e.getKey()));
            return true;
        });
    }
}
