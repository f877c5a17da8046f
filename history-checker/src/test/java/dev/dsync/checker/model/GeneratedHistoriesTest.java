package dev.dsync.checker.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dsync.checker.Checker;
import dev.dsync.checker.Checks;
import dev.dsync.checker.Result;
import dev.dsync.checker.Verdict;
import dev.dsync.checker.gen.GenConfig;
import dev.dsync.checker.gen.HistoryGenerator;
import dev.dsync.checker.history.History;
import dev.dsync.checker.history.Outcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Histories produced by running each model with real concurrency must be judged valid. */
class GeneratedHistoriesTest {

    @ParameterizedTest
    @CsvSource({
        "register,     400, 1, 6, 0.10, 0",
        "register,     300, 1, 5, 0.10, 3",
        "cas-register, 500, 1, 8, 0.10, 0",
        "cas-register, 200, 1, 4, 0.05, 4",
        "kv,          3000, 20, 10, 0.05, 0",
        "kv,          1000, 10, 6, 0.05, 5",
        "rw-lock,      600, 3, 6, 0.05, 0",
        "fifo-queue,   300, 2, 4, 0.05, 0",
        "total-queue, 1000, 3, 6, 0.10, 0",
    })
    void generatedHistoriesAreValid(String model, int ops, int keys, int procs, double info, int domain) {
        for (long seed = 1; seed <= 3; seed++) {
            GenConfig c = new GenConfig(ops, keys, procs, info, domain, true, seed);
            History h = HistoryGenerator.forModel(model, c);
            assertTrue(h.operations().stream().anyMatch(o -> o.outcome() == Outcome.INFO), "has info ops");
            Result r = Checker.check(model, h, Checks.options().withThreads(2));
            assertEquals(Verdict.VALID, r.verdict(), () -> model + " seed " + c.seed() + ": " + r.summary());
        }
    }

    /** A lock service with timed leases and renews (TimedRwLockSim): valid under the timed model. */
    @ParameterizedTest
    @CsvSource({"1500, 3, 6", "600, 1, 4"})
    void generatedTimedLockHistoriesAreValid(int ops, int keys, int procs) {
        for (long seed = 1; seed <= 3; seed++) {
            GenConfig c = new GenConfig(ops, keys, procs, 0.05, 0, true, seed);
            History h = HistoryGenerator.forModel("rw-lock-timed", c);
            assertTrue(h.operations().stream().anyMatch(o -> o.f().equals("renew")), "has renews");
            Result r = Checker.check("rw-lock", h, Checks.options().withThreads(2));
            assertEquals(Verdict.VALID, r.verdict(), () -> "seed " + c.seed() + ": " + r.summary());
            assertTrue(r.keys().get(0).notes().stream().anyMatch(n -> n.startsWith("timed leases")), "checked timed");
        }
    }

    /** A queue with leases, acks, nacks and per-key order (TimedQueueSim): no timed check fires. */
    @ParameterizedTest
    @CsvSource({"3000, 2, 8", "800, 1, 3"})
    void generatedTimedQueueHistoriesAreValid(int ops, int keys, int procs) {
        for (long seed = 1; seed <= 3; seed++) {
            GenConfig c = new GenConfig(ops, keys, procs, 0.05, 0, true, seed);
            History h = HistoryGenerator.forModel("total-queue-timed", c);
            assertTrue(h.operations().stream().anyMatch(o -> o.f().equals("nack") && o.outcome() == Outcome.OK), "has nacks");
            assertTrue(h.operations().stream().anyMatch(o -> o.f().equals("ack") && o.outcome() == Outcome.FAIL),
                    "has refused stale receipts");
            Result r = Checker.check("total-queue", h, Checks.options());
            assertEquals(Verdict.VALID, r.verdict(), () -> "seed " + c.seed() + ": " + r.summary());
            // The same history claiming a visibility of 1 s (the server used 3 ms): redeliveries now overlap.
            dev.dsync.checker.history.HistoryBuilder b = new dev.dsync.checker.history.HistoryBuilder();
            for (var e : h.events()) {
                Object v = e.f().equals("dequeue") && e.type() == dev.dsync.checker.history.EventType.INVOKE
                        ? java.util.Map.of("visibility_ms", 1000) : e.value();
                b.at(e.time()).add(e.process(), e.type(), e.f(), e.key(), v, null);
            }
            Result longer = Checker.check("total-queue", b.build(), Checks.options());
            assertEquals(Verdict.INVALID, longer.verdict());
            assertTrue(longer.keys().stream().anyMatch(k -> k.queue().timedViolations().stream()
                    .anyMatch(m -> m.contains("two live deliveries"))), longer.summary());
        }
    }
}
