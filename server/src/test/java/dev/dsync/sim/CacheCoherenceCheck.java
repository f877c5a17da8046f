package dev.dsync.sim;

import dev.dsync.cache.Line;

/**
 * What must hold at every instant over the lines the running nodes could serve as hits right now
 * (a line in the node's line cache that its lease allows at its clock): per key, at most one node
 * may serve it in M or E, and then no other node may serve it in S; and no servable line is older
 * than the newest write of its key that a client has seen acknowledged.
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
                CacheNodeState st = service.state(n);
                Line line = st.lines.peek(key);
                if (!st.lease.allowsHit(service.clock(n), st.syncedIndex, line)) {
                    continue;
                }
                if (line.version() < acknowledged) {
                    fail(n, key, line, "a client saw the write of version " + acknowledged + " acknowledged");
                }
                if (line.state().exclusive()) {
                    if (exclusive != null || shared != null) {
                        fail(n, key, line, describe(exclusive != null ? exclusive : shared, key) + " at the same time");
                    }
                    exclusive = n;
                } else {
                    if (exclusive != null) {
                        fail(n, key, line, describe(exclusive, key) + " at the same time");
                    }
                    shared = n;
                }
            }
        }
    }

    private void fail(SimNode n, String key, Line line, String why) {
        throw new AssertionError("cache coherence at " + sim.now + " ms: " + describe(n, key) + ", but " + why);
    }

    private String describe(SimNode n, String key) {
        CacheNodeState st = service.state(n);
        Line line = st.lines.peek(key);
        return n.id + " may serve " + key + " v" + line.version() + " in " + line.state() + " (since " + line.since() + "; lease term "
                + st.lease.term() + " sent at " + st.lease.sentAtMs() + " valid until " + st.lease.validUntilMs() + " read index "
                + st.lease.readIndex() + " watermark " + st.lease.watermark() + "; synced " + st.syncedIndex + "; clock "
                + service.clock(n) + ")";
    }
}
