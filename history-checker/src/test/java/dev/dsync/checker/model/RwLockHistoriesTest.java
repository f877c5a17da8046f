package dev.dsync.checker.model;

import static dev.dsync.checker.Checks.assertVerdict;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dsync.checker.Checker;
import dev.dsync.checker.Checks;
import dev.dsync.checker.Result;
import dev.dsync.checker.Verdict;
import dev.dsync.checker.history.History;
import dev.dsync.checker.history.HistoryBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hand-written rw-lock histories: mode compatibility, fences, and lease expiry. */
class RwLockHistoriesTest {
    private static Map<String, Object> req(String mode, String client) {
        return Map.of("mode", mode, "client", client);
    }

    private static Map<String, Object> rel(String client) {
        return Map.of("client", client);
    }

    private static Map<String, Object> fence(long f) {
        return Map.of("fence", f);
    }

    @Test
    void sharedHoldersTogetherAreValid() {
        History h = new HistoryBuilder()
                .invoke(0, "acquire", "L", req("S", "a")).ok(0, "acquire", "L", fence(1))
                .invoke(1, "acquire", "L", req("S", "b")).ok(1, "acquire", "L", fence(2))
                .invoke(0, "release", "L", rel("a")).ok(0, "release", "L", null)
                .invoke(1, "release", "L", rel("b")).ok(1, "release", "L", null)
                .invoke(2, "acquire", "L", req("X", "c")).ok(2, "acquire", "L", fence(3)).build();
        assertVerdict(Verdict.VALID, "rw-lock", h);
    }

    @Test
    void twoExclusiveHoldersAtOnceAreInvalid() {
        History h = new HistoryBuilder()
                .invoke(0, "acquire", "L", req("X", "a")).ok(0, "acquire", "L", fence(1))
                .invoke(1, "acquire", "L", req("X", "b")).ok(1, "acquire", "L", fence(2))
                .invoke(0, "release", "L", rel("a")).ok(0, "release", "L", null)
                .invoke(1, "release", "L", rel("b")).ok(1, "release", "L", null).build();
        Result r = assertVerdict(Verdict.INVALID, "rw-lock", h);
        assertEquals("release", r.keys().get(0).counterexample().unplaceable().f());
        assertWithExpiry(Verdict.INVALID, "rw-lock", h, false);
    }

    @Test
    void sharedAndExclusiveTogetherAreInvalid() {
        History h = new HistoryBuilder()
                .invoke(0, "acquire", "L", req("S", "a")).ok(0, "acquire", "L", fence(1))
                .invoke(1, "acquire", "L", req("X", "b")).ok(1, "acquire", "L", fence(2))
                .invoke(0, "release", "L", rel("a")).ok(0, "release", "L", null).build();
        assertVerdict(Verdict.INVALID, "rw-lock", h);
    }

    @Test
    void fenceGoingBackwardsIsInvalid() {
        History h = new HistoryBuilder()
                .invoke(0, "acquire", "L", req("X", "a")).ok(0, "acquire", "L", fence(5))
                .invoke(0, "release", "L", rel("a")).ok(0, "release", "L", null)
                .invoke(1, "acquire", "L", req("X", "b")).ok(1, "acquire", "L", fence(3)).build();
        assertVerdict(Verdict.INVALID, "rw-lock", h);
        assertWithExpiry(Verdict.INVALID, "rw-lock", h, false);
    }

    @Test
    void concurrentAcquiresMayTakeFencesInEitherOrder() {
        History h = new HistoryBuilder()
                .invoke(0, "acquire", "L", req("S", "a"))
                .invoke(1, "acquire", "L", req("S", "b"))
                .ok(0, "acquire", "L", fence(9))
                .ok(1, "acquire", "L", fence(8)).build();
        assertVerdict(Verdict.VALID, "rw-lock", h);
    }

    @Test
    void leaseExpiryReleasesTheLockWithoutViolation() {
        // a's lease expires (a is partitioned away); b acquires; a's release then fails.
        History h = new HistoryBuilder()
                .invoke(0, "acquire", "L", req("X", "a")).ok(0, "acquire", "L", fence(1))
                .invoke(1, "acquire", "L", req("X", "b")).ok(1, "acquire", "L", fence(2))
                .invoke(0, "release", "L", rel("a")).fail(0, "release", "L", null)
                .invoke(1, "release", "L", rel("b")).ok(1, "release", "L", null).build();
        assertVerdict(Verdict.VALID, "rw-lock", h);
        // With expiry disallowed (a lock without leases), the same history is a violation.
        assertWithExpiry(Verdict.INVALID, "rw-lock", h, false);
    }

    @Test
    void infoAcquireMayHoldTheLock() {
        // An acquire with unknown outcome that took effect explains why b's acquire failed;
        // one that did not take effect explains c getting it later. Both are fine.
        History h = new HistoryBuilder()
                .invoke(0, "acquire", "L", req("X", "a")).info(0, "acquire", "L", null)
                .invoke(1, "acquire", "L", req("X", "b")).fail(1, "acquire", "L", null)
                .invoke(2, "acquire", "L", req("X", "c")).ok(2, "acquire", "L", fence(4))
                .invoke(2, "release", "L", rel("c")).ok(2, "release", "L", null).build();
        assertWithExpiry(Verdict.VALID, "rw-lock", h, false);
        // Releasing via an info release is only valid if the lock was held by a at all.
        History h2 = new HistoryBuilder()
                .invoke(0, "acquire", "L", req("X", "a")).info(0, "acquire", "L", null)
                .invoke(3, "release", "L", rel("a")).ok(3, "release", "L", null).build();
        assertWithExpiry(Verdict.VALID, "rw-lock", h2, false);
    }

    @Test
    void releaseByNonHolderIsInvalid() {
        History h = new HistoryBuilder()
                .invoke(0, "release", "L", rel("a")).ok(0, "release", "L", null).build();
        assertVerdict(Verdict.INVALID, "rw-lock", h);
    }

    private static void assertWithExpiry(Verdict v, String model, History h, boolean expiry) {
        Result r = Checker.check(model, h, Checks.options().withLeaseExpiry(expiry));
        assertEquals(v, r.verdict(), r.summary());
    }

    @Test
    void aReacquireByTheHolderMayReturnItsGrantAgain() {
        // Seen under a pause nemesis: c's release was refused (so c still holds X); c then asks
        // for S and gets its existing X grant, fence and all, while others got later fences.
        History h = new HistoryBuilder()
                .invoke(0, "acquire", "L", req("X", "c")).ok(0, "acquire", "L", fence(100))
                .invoke(0, "release", "L", rel("c")).fail(0, "release", "L", rel("c"))
                .invoke(0, "acquire", "L", req("S", "c")).ok(0, "acquire", "L", fence(100))
                .invoke(0, "release", "L", rel("c")).ok(0, "release", "L", null)
                .invoke(1, "acquire", "L", req("X", "d")).ok(1, "acquire", "L", fence(147)).build();
        assertVerdict(Verdict.VALID, "rw-lock", h);
        assertWithExpiry(Verdict.VALID, "rw-lock", h, false);
    }

    @Test
    void anOldFenceAfterARealReleaseIsNoReacquire() {
        History h = new HistoryBuilder()
                .invoke(0, "acquire", "L", req("X", "c")).ok(0, "acquire", "L", fence(5))
                .invoke(0, "release", "L", rel("c")).ok(0, "release", "L", null)
                .invoke(0, "acquire", "L", req("X", "c")).ok(0, "acquire", "L", fence(5)).build();
        assertVerdict(Verdict.INVALID, "rw-lock", h);
    }

    @Test
    void aSharedHolderCannotGetExclusiveWithItsOldFence() {
        History h = new HistoryBuilder()
                .invoke(0, "acquire", "L", req("S", "c")).ok(0, "acquire", "L", fence(5))
                .invoke(0, "acquire", "L", req("X", "c")).ok(0, "acquire", "L", fence(5)).build();
        assertVerdict(Verdict.INVALID, "rw-lock", h);
    }

    @Test
    void aReacquireAfterTheHoldWasTakenByAnotherIsInvalid() {
        // d's X grant means c's hold had expired, so c cannot still hold fence 5.
        History h = new HistoryBuilder()
                .invoke(0, "acquire", "L", req("X", "c")).ok(0, "acquire", "L", fence(5))
                .invoke(1, "acquire", "L", req("X", "d")).ok(1, "acquire", "L", fence(6))
                .invoke(0, "acquire", "L", req("X", "c")).ok(0, "acquire", "L", fence(5)).build();
        assertVerdict(Verdict.INVALID, "rw-lock", h);
    }
}
