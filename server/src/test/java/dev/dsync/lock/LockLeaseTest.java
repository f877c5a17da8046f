package dev.dsync.lock;

import static dev.dsync.lock.LockHarness.assertGranted;
import static dev.dsync.lock.LockMode.S;
import static dev.dsync.lock.LockMode.X;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LockLeaseTest {
    private final LockHarness h = new LockHarness();

    private void acquire(String key, LockMode mode, String client, long ttlMs, boolean queue) {
        h.run(new LockCommand.Acquire(key, mode, client, ttlMs, queue));
    }

    private long deadline(String key, String client) {
        return h.sm.grantOf(key, client).orElseThrow().expiresAtMs();
    }

    @Test
    void expiredHolderLosesItsLocksAndWaitersArePromoted() {
        acquire("k", X, "a", 1_000, false);
        acquire("k2", S, "a", 1_000, false);
        acquire("k", S, "b", 60_000, true);
        acquire("k", S, "c", 60_000, true);
        h.sm.takeRecentGrants();
        h.nowMs += 1_001;
        assertEquals(List.of("a"), h.sm.expiredClients(h.nowMs));
        var r = h.expire("a");
        assertEquals(200, r.status());
        assertEquals(List.of("a"), LockHarness.strings(r.body().get("expired")));
        assertEquals(List.of("b", "c"), h.holders("k"));
        assertEquals(List.of(), h.holders("k2"));
        List<LockGrant> grants = h.sm.takeRecentGrants();
        assertEquals(2, grants.size());
        assertEquals(List.of(h.index, h.index + 1), grants.stream().map(LockGrant::fence).toList());
        assertEquals(1, h.sm.expiredTotal());
        assertEquals(List.of(), h.sm.expiredClients(h.nowMs));
    }

    @Test
    void deadlineIsExclusive() {
        acquire("k", X, "a", 1_000, false);
        h.nowMs += 1_000;
        assertEquals(List.of(), h.sm.expiredClients(h.nowMs));
        assertEquals(0, h.expire("a").body().get("expired").size());
        h.nowMs += 1;
        assertEquals(List.of("a"), LockHarness.strings(h.expire("a").body().get("expired")));
    }

    @Test
    void clientThatRenewedAfterTheLeaderLookedIsNotExpired() {
        acquire("k", X, "a", 1_000, false);
        h.nowMs += 2_000;
        List<String> seenByLeader = h.sm.expiredClients(h.nowMs);
        assertEquals(List.of("a"), seenByLeader);
        var renew = h.renew("a"); // committed before the leader's Expire
        assertEquals(200, renew.status());
        assertEquals(1, renew.body().get("locks").asInt());
        var r = h.run(new LockCommand.Expire(seenByLeader));
        assertEquals(0, r.body().get("expired").size());
        assertEquals(List.of("a"), h.holders("k"));
        assertEquals(h.nowMs + 1_000, deadline("k", "a"));
        assertEquals(0, h.sm.expiredTotal());
    }

    @Test
    void renewUsesTheLatestAcquireTtlAndCountsHeldLocks() {
        acquire("k1", X, "a", 1_000, false);
        acquire("k2", X, "a", 5_000, false);
        assertEquals(h.nowMs + 5_000, deadline("k1", "a"), "one lease per client: k1 refreshed too");
        h.nowMs += 100;
        var r = h.renew("a");
        assertEquals(2, r.body().get("locks").asInt());
        assertEquals(h.nowMs + 5_000, deadline("k1", "a"));
        assertEquals(h.nowMs + 5_000, deadline("k2", "a"));
    }

    @Test
    void renewOfWaiterCountsNoLocksAndOfStrangerIs404() {
        acquire("k", X, "a", 1_000, false);
        acquire("k", X, "b", 1_000, true);
        assertEquals(0, h.renew("b").body().get("locks").asInt());
        var r = h.renew("nobody");
        assertEquals(404, r.status());
        assertEquals("client holds no locks", r.body().get("error").asText());
        h.release("k", "a");
        h.release("k", "b");
        assertEquals(404, h.renew("a").status(), "lease forgotten once nothing is held");
    }

    @Test
    void expiredWaiterLeavesTheQueue() {
        acquire("k", S, "a", 60_000, false);
        acquire("k", X, "w", 1_000, true);
        acquire("k", S, "c", 60_000, true);
        h.nowMs += 5_000;
        assertEquals(List.of("w"), h.sm.expiredClients(h.nowMs));
        h.expire("w", "w", "ghost");
        assertEquals(List.of("a", "c"), h.holders("k"));
        assertEquals(0, h.sm.waiterCount());
    }

    @Test
    void clockNeverGoesBackwards() {
        h.nowMs = 10_000;
        acquire("k", X, "a", 1_000, false);
        h.nowMs = 12_000;
        acquire("k2", X, "b", 5_000, false);
        h.nowMs = 5_000; // a new leader with a slower clock
        var r = h.run(new LockCommand.Acquire("k3", X, "c", 1_000, false));
        assertEquals(13_000, r.body().get("expires_at_ms").asLong());
        assertEquals(12_000, h.sm.clockMs());
        // The Expire is judged at the state machine's time (12000), not the proposer's (5000).
        assertEquals(List.of("a"), LockHarness.strings(h.expire("a").body().get("expired")));
    }

    @Test
    void expiredClientsIsSortedAndUsesTheGivenTime() {
        acquire("k", S, "zed", 1_000, false);
        acquire("k", S, "amy", 2_000, false);
        acquire("k", S, "bob", 9_000, false);
        assertEquals(List.of(), h.sm.expiredClients(h.nowMs));
        assertEquals(List.of("amy", "zed"), h.sm.expiredClients(h.nowMs + 2_001));
    }

    @Test
    void reacquireRefreshesTheLease() {
        acquire("k", X, "a", 1_000, false);
        h.nowMs += 900;
        assertGranted(h.run(new LockCommand.Acquire("k", X, "a", 1_000, false)), X, 1);
        h.nowMs += 900;
        assertEquals(List.of(), h.sm.expiredClients(h.nowMs));
    }
}
