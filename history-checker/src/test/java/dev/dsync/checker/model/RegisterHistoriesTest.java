package dev.dsync.checker.model;

import static dev.dsync.checker.Checks.assertVerdict;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dsync.checker.Checks;
import dev.dsync.checker.Counterexample;
import dev.dsync.checker.KeyResult;
import dev.dsync.checker.Result;
import dev.dsync.checker.Verdict;
import dev.dsync.checker.history.HistoryBuilder;
import dev.dsync.checker.history.HistoryFormatException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-written register, cas-register and kv histories with known verdicts. */
class RegisterHistoriesTest {

    @Test
    void sequentialWriteThenReadIsValid() {
        HistoryBuilder b = new HistoryBuilder()
                .invoke(0, "write", null, 1).ok(0, "write", null, 1)
                .invoke(1, "read", null, null).ok(1, "read", null, 1);
        assertVerdict(Verdict.VALID, "register", b.build());
    }

    @Test
    void staleReadIsInvalidAndExplained() {
        HistoryBuilder b = new HistoryBuilder()
                .invoke(0, "write", null, 1).ok(0, "write", null, 1)
                .invoke(0, "write", null, 2).ok(0, "write", null, 2)
                .invoke(1, "read", null, null).ok(1, "read", null, 1);
        Result r = assertVerdict(Verdict.INVALID, "register", b.build());
        KeyResult k = r.keys().get(0);
        Counterexample c = k.counterexample();
        assertNotNull(c);
        // Value 1 is written once and read later, so write 2 may not overwrite it before that read;
        // but write 2 completed before the read began: write 2 cannot be placed.
        assertEquals(1, c.prefixLength());
        assertEquals("write", c.unplaceable().f());
        assertEquals("value 1 · awaits 1 ok reader(s)", c.stateAtFailure());
        // Without reductions the search reports the stale read itself.
        Counterexample plain = dev.dsync.checker.Checker.check("register", b.build(),
                Checks.options().withReductions(false)).keys().get(0).counterexample();
        assertEquals(2, plain.prefixLength());
        assertEquals("read", plain.unplaceable().f());
        assertEquals("value 2", plain.stateAtFailure());
        assertEquals("value 1", plain.prefix().get(0).stateAfter());
    }

    @Test
    void concurrentReadMaySeeEitherValue() {
        HistoryBuilder b = new HistoryBuilder()
                .invoke(0, "write", null, 1).ok(0, "write", null, 1)
                .invoke(0, "write", null, 2)
                .invoke(1, "read", null, null).ok(1, "read", null, 1)
                .invoke(2, "read", null, null).ok(2, "read", null, 2)
                .ok(0, "write", null, 2);
        assertVerdict(Verdict.VALID, "register", b.build());
    }

    @Test
    void readsGoingBackInTimeAreInvalid() {
        // Both reads overlap the write, but 2 then 1 in real-time order is impossible.
        HistoryBuilder b = new HistoryBuilder()
                .invoke(0, "write", null, 1).ok(0, "write", null, 1)
                .invoke(0, "write", null, 2)
                .invoke(1, "read", null, null).ok(1, "read", null, 2)
                .invoke(2, "read", null, null).ok(2, "read", null, 1)
                .ok(0, "write", null, 2);
        assertVerdict(Verdict.INVALID, "register", b.build());
    }

    @Test
    void lostWriteIsInvalid() {
        // An acknowledged write that no later read reflects: the read returns the older value.
        HistoryBuilder b = new HistoryBuilder()
                .invoke(0, "write", "x", 1).ok(0, "write", "x", 1)
                .invoke(1, "write", "x", 2).ok(1, "write", "x", 2)
                .invoke(2, "read", "x", null).ok(2, "read", "x", 1)
                .invoke(2, "read", "x", null).ok(2, "read", "x", 1);
        assertVerdict(Verdict.INVALID, "kv", b.build());
    }

    @Test
    void casSucceedingTwiceIsInvalid() {
        HistoryBuilder b = new HistoryBuilder()
                .invoke(0, "write", null, 0).ok(0, "write", null, 0)
                .invoke(1, "cas", null, List.of(0, 1))
                .invoke(2, "cas", null, List.of(0, 2))
                .ok(1, "cas", null, List.of(0, 1))
                .ok(2, "cas", null, List.of(0, 2));
        assertVerdict(Verdict.INVALID, "cas-register", b.build());
    }

    @Test
    void failedCasDidNotHappen() {
        HistoryBuilder b = new HistoryBuilder()
                .invoke(0, "write", null, 0).ok(0, "write", null, 0)
                .invoke(1, "cas", null, List.of(5, 1)).fail(1, "cas", null, List.of(5, 1))
                .invoke(2, "read", null, null).ok(2, "read", null, 0);
        assertVerdict(Verdict.VALID, "cas-register", b.build());
    }

    @Test
    void infoWriteMakesHistoryValidOnlyIfItTookEffect() {
        HistoryBuilder b = new HistoryBuilder()
                .invoke(0, "write", null, 1).ok(0, "write", null, 1)
                .invoke(1, "write", null, 7).info(1, "write", null, 7)
                .invoke(2, "read", null, null).ok(2, "read", null, 7)
                .invoke(2, "read", null, null).ok(2, "read", null, 7);
        assertVerdict(Verdict.VALID, "register", b.build());
        // Same, but the read of 7 happened before the write was even invoked.
        HistoryBuilder early = new HistoryBuilder()
                .invoke(2, "read", null, null).ok(2, "read", null, 7)
                .invoke(1, "write", null, 7).info(1, "write", null, 7);
        assertVerdict(Verdict.INVALID, "register", early.build());
    }

    @Test
    void infoCasMayTakeEffectAfterItsCompletion() {
        // The info cas completes (times out) before the reads, yet its effect shows later.
        HistoryBuilder b = new HistoryBuilder()
                .invoke(0, "write", null, 1).ok(0, "write", null, 1)
                .invoke(1, "cas", null, List.of(1, 2)).info(1, "cas", null, List.of(1, 2))
                .invoke(2, "read", null, null).ok(2, "read", null, 1)
                .invoke(2, "read", null, null).ok(2, "read", null, 2);
        assertVerdict(Verdict.VALID, "cas-register", b.build());
    }

    @Test
    void infoWriteWithRepeatedValuesAcrossBranches() {
        // Value 1 written twice; the info write of 1 is needed to explain the last read.
        HistoryBuilder b = new HistoryBuilder()
                .invoke(0, "write", null, 1).ok(0, "write", null, 1)
                .invoke(1, "write", null, 1).info(1, "write", null, 1)
                .invoke(0, "write", null, 2).ok(0, "write", null, 2)
                .invoke(2, "read", null, null).ok(2, "read", null, 1);
        assertVerdict(Verdict.VALID, "register", b.build());
        assertVerdict(Verdict.VALID, "register",
                new HistoryBuilder().invoke(0, "write", null, 1).ok(0, "write", null, 1)
                        .invoke(1, "write", null, 1).fail(1, "write", null, 1)
                        .invoke(0, "write", null, 2).ok(0, "write", null, 2)
                        .invoke(2, "read", null, null).ok(2, "read", null, 2).build());
    }

    @Test
    void kvChecksKeysIndependently() {
        HistoryBuilder b = new HistoryBuilder()
                .invoke(0, "write", "a", 1).invoke(1, "write", "b", 1)
                .ok(0, "write", "a", 1).ok(1, "write", "b", 1)
                .invoke(0, "read", "a", null).ok(0, "read", "a", 1)
                .invoke(1, "read", "b", null).ok(1, "read", "b", 2);
        Result r = assertVerdict(Verdict.INVALID, "kv", b.build());
        assertEquals(Verdict.VALID, r.keys().get(0).verdict());
        assertEquals(Verdict.INVALID, r.keys().get(1).verdict());
        assertEquals("b", r.keys().get(1).key());
    }

    @Test
    void readOfInitialNullIsValidOnlyBeforeWrites() {
        assertVerdict(Verdict.VALID, "register", new HistoryBuilder()
                .invoke(0, "read", null, null).ok(0, "read", null, null).build());
        assertVerdict(Verdict.INVALID, "register", new HistoryBuilder()
                .invoke(0, "write", null, 3).ok(0, "write", null, 3)
                .invoke(0, "read", null, null).ok(0, "read", null, null).build());
    }

    @Test
    void operationsOutsideTheModelAreUnusableInput() {
        HistoryBuilder b = new HistoryBuilder().invoke(0, "cas", null, List.of(1, 2)).ok(0, "cas", null, List.of(1, 2));
        HistoryFormatException e = assertThrows(HistoryFormatException.class, () -> Checks.check("register", b.build()));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
        HistoryBuilder bad = new HistoryBuilder().invoke(0, "cas", null, 5).ok(0, "cas", null, 5);
        assertThrows(HistoryFormatException.class, () -> Checks.check("cas-register", bad.build()));
    }
}
