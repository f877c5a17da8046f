package dev.dsync.checker.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dsync.checker.CheckOptions;
import dev.dsync.checker.Checker;
import dev.dsync.checker.Checks;
import dev.dsync.checker.LeaseModel;
import dev.dsync.checker.LeaseWindow;
import dev.dsync.checker.Result;
import dev.dsync.checker.Verdict;
import dev.dsync.checker.history.History;
import dev.dsync.checker.history.HistoryBuilder;
import dev.dsync.checker.history.HistoryReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hand-written rw-lock histories with ttl_ms: the timed lease model. */
class TimedRwLockHistoriesTest {
    private static final long MS = 1_000_000L;

    private static Map<String, Object> req(String mode, String client) {
        return Map.of("mode", mode, "client", client, "ttl_ms", 3000);
    }

    private static Result check(History h, CheckOptions o) {
        return Checker.check("rw-lock", h, o);
    }

    private static Verdict verdict(History h) {
        return check(h, Checks.options()).verdict();
    }

    /** c0 takes X at 0 (ttl 3 s, so surely alive until 2.85 s) and never releases. */
    private static HistoryBuilder overlap(HistoryBuilder b) {
        return b.at(0).invoke(0, "acquire", "L", req("X", "c0")).at(MS / 2).ok(0, "acquire", "L", Map.of("fence", 1));
    }

    /** c1 takes X at {@code atMs} ms (granted half a millisecond later) and never releases. */
    private static HistoryBuilder secondAt(HistoryBuilder b, long atMs) {
        return b.at(atMs * MS).invoke(1, "acquire", "L", req("X", "c1"))
                .at(atMs * MS + MS / 2).ok(1, "acquire", "L", Map.of("fence", 2));
    }

    @Test
    void theDocumentedExampleIsInvalidTimedAndValidUntimed() throws Exception {
        History h = HistoryReader.read(Path.of("..", "docs", "examples", "rw-lock-lease-overlap.jsonl"));
        Result timed = check(h, Checks.options());
        assertEquals(Verdict.INVALID, timed.verdict(), timed.summary());
        var ce = timed.keys().get(0).counterexample();
        assertEquals("acquire", ce.unplaceable().f());
        assertTrue(ce.stateAtFailure().contains("c0 (lease surely alive until 2.850 s)"), ce.stateAtFailure());
        List<LeaseWindow> leases = ce.leases();
        assertEquals(2, leases.size(), leases.toString());
        assertEquals("c0", leases.get(0).client());
        assertEquals("holder", leases.get(0).role());
        assertEquals(2_850 * MS, leases.get(0).surelyUntil());
        assertEquals("c1", leases.get(1).client());
        assertEquals("blocked", leases.get(1).role());
        assertEquals(Verdict.VALID, check(h, Checks.options().withLeaseModel(LeaseModel.UNTIMED)).verdict());
    }

    @Test
    void aSecondHolderAfterTheLeaseSurelyRanOutIsValid() {
        assertEquals(Verdict.VALID, verdict(secondAt(overlap(new HistoryBuilder()), 2_900).build()));
        assertEquals(Verdict.INVALID, verdict(secondAt(overlap(new HistoryBuilder()), 2_800).build()));
        // A larger drift allowance makes the surely-alive window shorter.
        History h = secondAt(overlap(new HistoryBuilder()), 2_000).build();
        assertEquals(Verdict.INVALID, verdict(h));
        assertEquals(Verdict.VALID, check(h, Checks.options().withRho(0.5)).verdict());
    }

    @Test
    void aRenewExtendsTheLeaseOnlyIfItSurelyCameInTime() {
        HistoryBuilder renewed = overlap(new HistoryBuilder())
                .at(2_000 * MS).invoke(0, "renew", null, Map.of("client", "c0", "ttl_ms", 3000))
                .at(2_001 * MS).ok(0, "renew", null, Map.of("renewed", true, "locks", 1));
        assertEquals(Verdict.INVALID, verdict(secondAt(renewed, 4_000).build()));
        assertEquals(Verdict.VALID, verdict(secondAt(overlap(new HistoryBuilder()), 4_000).build()));
        // Completed after the bound: it may have come after the lease ran out, so it extends nothing.
        HistoryBuilder late = overlap(new HistoryBuilder())
                .at(2_800 * MS).invoke(0, "renew", null, Map.of("client", "c0", "ttl_ms", 3000))
                .at(2_900 * MS).ok(0, "renew", null, Map.of("renewed", true, "locks", 1));
        assertEquals(Verdict.VALID, verdict(secondAt(late, 4_000).build()));
        // A renew with unknown outcome may not have happened.
        HistoryBuilder unknown = overlap(new HistoryBuilder())
                .at(2_000 * MS).invoke(0, "renew", null, Map.of("client", "c0", "ttl_ms", 3000))
                .at(2_001 * MS).info(0, "renew", null, null);
        assertEquals(Verdict.VALID, verdict(secondAt(unknown, 4_000).build()));
    }

    @Test
    void anAcquireOfAnotherKeyRefreshesTheClientsLease() {
        HistoryBuilder b = overlap(new HistoryBuilder())
                .at(2_000 * MS).invoke(0, "acquire", "M", req("S", "c0"))
                .at(2_001 * MS).ok(0, "acquire", "M", Map.of("fence", 1));
        Result r = check(secondAt(b, 4_000).build(), Checks.options());
        assertEquals(Verdict.INVALID, r.verdict(), r.summary());
        assertEquals("L", r.problemKeys().get(0).key());
    }

    @Test
    void aReleaseWithUnknownOutcomeMayHaveLetTheNextHolderIn() {
        HistoryBuilder b = overlap(new HistoryBuilder())
                .at(MS).invoke(0, "release", "L", Map.of("client", "c0")).at(2 * MS).info(0, "release", "L", null);
        assertEquals(Verdict.VALID, verdict(secondAt(b, 3).build()));
    }

    @Test
    void aReleaseThatWithdrewAQueuedRequestNeedsNoHold() {
        HistoryBuilder b = overlap(new HistoryBuilder())
                .at(MS).invoke(1, "acquire", "L", Map.of("mode", "X", "client", "c1", "ttl_ms", 3000, "wait_ms", 100))
                .at(102 * MS).info(1, "acquire", "L", null)
                .at(103 * MS).invoke(2, "release", "L", Map.of("client", "c1"));
        History h = b.at(104 * MS).ok(2, "release", "L", Map.of("released", true, "was_waiting", true)).build();
        assertEquals(Verdict.VALID, verdict(h));
        History plain = overlap(new HistoryBuilder())
                .at(MS).invoke(1, "acquire", "L", Map.of("mode", "X", "client", "c1", "ttl_ms", 3000, "wait_ms", 100))
                .at(102 * MS).info(1, "acquire", "L", null)
                .at(103 * MS).invoke(2, "release", "L", Map.of("client", "c1"))
                .at(104 * MS).ok(2, "release", "L", Map.of("released", true)).build();
        assertEquals(Verdict.INVALID, verdict(plain));
    }

    @Test
    void anUpgradeKeepsTheHoldButANewGrantToAHolderNeedsItsLeaseToHaveRunOut() {
        HistoryBuilder upgrade = new HistoryBuilder()
                .at(0).invoke(0, "acquire", "L", req("S", "c0")).at(MS).ok(0, "acquire", "L", Map.of("fence", 1))
                .at(2 * MS).invoke(0, "acquire", "L", req("X", "c0")).at(3 * MS).ok(0, "acquire", "L", Map.of("fence", 2));
        assertEquals(Verdict.VALID, verdict(upgrade.build()));
        HistoryBuilder again = new HistoryBuilder()
                .at(0).invoke(0, "acquire", "L", req("X", "c0")).at(MS).ok(0, "acquire", "L", Map.of("fence", 1))
                .at(2 * MS).invoke(0, "acquire", "L", req("X", "c0")).at(3 * MS).ok(0, "acquire", "L", Map.of("fence", 2));
        assertEquals(Verdict.INVALID, verdict(again.build()));
    }

    @Test
    void theReleaseOfAnEvictedHolderIsStillInvalid() {
        HistoryBuilder b = secondAt(overlap(new HistoryBuilder()), 2_900)
                .at(3_000 * MS).invoke(0, "release", "L", Map.of("client", "c0"))
                .at(3_001 * MS).ok(0, "release", "L", null);
        assertEquals(Verdict.INVALID, verdict(b.build()));
    }

    @Test
    void sharedHoldersDoNotConflictAndHistoriesWithoutTtlStayUntimed() {
        History shared = new HistoryBuilder()
                .invoke(0, "acquire", "L", req("S", "a")).ok(0, "acquire", "L", Map.of("fence", 1))
                .invoke(1, "acquire", "L", req("S", "b")).ok(1, "acquire", "L", Map.of("fence", 2)).build();
        assertEquals(Verdict.VALID, verdict(shared));
        History noTtl = new HistoryBuilder()
                .invoke(0, "acquire", "L", Map.of("mode", "X", "client", "a")).ok(0, "acquire", "L", 1)
                .invoke(1, "acquire", "L", Map.of("mode", "X", "client", "b")).ok(1, "acquire", "L", 2).build();
        Result r = check(noTtl, Checks.options());
        assertEquals(Verdict.VALID, r.verdict());
        assertTrue(r.keys().get(0).notes().stream().anyMatch(n -> n.startsWith("lease expiry allowed")), r.keys().get(0).notes().toString());
        // Forced timed without ttl_ms: no lease is guaranteed, so the same verdict.
        assertEquals(Verdict.VALID, check(noTtl, Checks.options().withLeaseModel(LeaseModel.TIMED)).verdict());
    }
}
