package dev.dsync.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dsync.checker.history.History;
import java.time.Duration;

/** Test helpers: run a check with small, deterministic options and assert verdicts. */
public final class Checks {
    private Checks() {
    }

    public static CheckOptions options() {
        return CheckOptions.defaults().withThreads(1).withTimeLimit(Duration.ofSeconds(20))
                .withMemoryBudget(256L << 20);
    }

    public static Result check(String model, History h) {
        return Checker.check(model, h, options());
    }

    public static Result assertVerdict(Verdict expected, String model, History h) {
        Result r = check(model, h);
        assertEquals(expected, r.verdict(), () -> "verdict for " + model + ": " + r.summary());
        return r;
    }
}
