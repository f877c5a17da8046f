package dev.dsync.sim;

import dev.dsync.cache.Line;

/**
 * What must hold at every instant over the lines the running nodes could serve as hits right now
 * (a line in the node's line cache that its lease allows at its clock, as the node's own
 * {@link dev.dsync.cache.CacheService#servable} says): per key, at most one node may serve it in
 * M or E, and then no other node may serve it in S; and no servable line is older than the newest
 * write of its key that a client has seen acknowledged.
 */
final class CacheCoherenceCheck {
    private final Simulation sim;
    private final CacheSimService service;

    CacheCoherenceCheck(Simulation sim, CacheSimService service) {
        this.sim = sim;
        this.service = service;
    }

    void check() {
        for (String key : CacheClients.KEYS) {
            SimNode exclusive = null;
            SimNode shared = null;
            long acknowledged = service.clients.acknowledgedVersion.getOrDefault(key, 0L);
            for (SimNode n : sim.nodes) {
                if (!n.up()) {
                    continue;
                }
                Line line = service.service(n).servable(key);
                if (line == null) {
                    continue;
                }
                if (line.version() < acknowledged) {
                    fail(n, key, "a client saw the write of version " + acknowledged + " acknowledged");
                }
                if (line.state().exclusive()) {
                    if (exclusive != null || shared != null) {
                        fail(n, key, describe(exclusive != null ? exclusive : shared, key) + " at the same time");
                    }
                    exclusive = n;
                } else {
                    if (exclusive != null) {
                        fail(n, key, describe(exclusive, key) + " at the same time");
                    }
                    shared = n;
                }
            }
        }
    }

    private void fail(SimNode n, String key, String why) {
        throw new AssertionError("cache coherence at " + sim.now + " ms: " + describe(n, key) + ", but " + why);
    }

    private String describe(SimNode n, String key) {
        return n.id + " may serve " + key + ": " + service.service(n).describe(key) + " (clock " + service.clock(n).monotonicMs() + ")";
    }
}
