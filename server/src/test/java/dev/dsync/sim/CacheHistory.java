package dev.dsync.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.dsync.checker.CheckOptions;
import dev.dsync.checker.Checker;
import dev.dsync.checker.Counterexample;
import dev.dsync.checker.KeyResult;
import dev.dsync.checker.Result;
import dev.dsync.checker.Verdict;
import dev.dsync.checker.history.HistoryBuilder;
import java.time.Duration;

/**
 * What the cache's clients saw, as a history for the checker's {@code kv} model (one
 * cas-register per key; docs/history-format.md), in simulated time. Gets are reads, puts writes,
 * cas {@code [expected, new]}, and a del a write of null (absent).
 */
final class CacheHistory {
    /** Far more than a few hundred operations need; a check that runs out fails the seed rather than passing. */
    private static final Duration CHECK_LIMIT = Duration.ofSeconds(60);

    private final HistoryBuilder events = new HistoryBuilder();
    private int operations;

    void invoke(long nowMs, CacheClients.Op op) {
        operations++;
        events.at(nanos(nowMs)).invoke(op.process, f(op), op.key, argument(op));
    }

    /** {@code value}: what a get read (null: absent); ignored for writes, which complete with their argument. */
    void ok(long nowMs, CacheClients.Op op, JsonNode value) {
        events.at(nanos(nowMs)).ok(op.process, f(op), op.key, op.kind == CacheClients.Kind.GET ? value : argument(op));
    }

    void fail(long nowMs, CacheClients.Op op) {
        events.at(nanos(nowMs)).fail(op.process, f(op), op.key, argument(op));
    }

    void info(long nowMs, CacheClients.Op op) {
        events.at(nanos(nowMs)).info(op.process, f(op), op.key, argument(op));
    }

    int operations() {
        return operations;
    }

    /**
     * Checks the history for linearizability with the {@code kv} model.
     *
     * @throws AssertionError if it is not linearizable, or if the checker could not decide
     */
    void check() {
        Result result = Checker.check("kv", events.build(), CheckOptions.defaults().withThreads(1).withTimeLimit(CHECK_LIMIT));
        if (result.verdict() == Verdict.VALID) {
            return;
        }
        StringBuilder text = new StringBuilder("cache history of " + operations + " operations: " + result.summary());
        for (KeyResult key : result.problemKeys()) {
            text.append("\n  key ").append(key.key()).append(": ").append(key.verdict().wireName())
                    .append(key.reason() == null ? "" : " (" + key.reason() + ")");
            Counterexample c = key.counterexample();
            if (c != null) {
                text.append("\n    linearizable prefix of ").append(c.prefixLength()).append(" operations ends with:");
                for (Counterexample.Step step : c.prefix()) {
                    text.append("\n      ").append(step.op().brief()).append("  [").append(step.stateAfter()).append("]");
                }
                text.append("\n    then nothing can explain: ").append(c.unplaceable().brief())
                        .append(" (state: ").append(c.stateAtFailure()).append(")");
            }
        }
        throw new AssertionError(text.toString());
    }

    private static String f(CacheClients.Op op) {
        return switch (op.kind) {
            case GET -> "read";
            case PUT, DEL -> "write";
            case CAS -> "cas";
        };
    }

    private static JsonNode argument(CacheClients.Op op) {
        return switch (op.kind) {
            case GET, DEL -> null;
            case PUT -> op.value;
            case CAS -> JsonNodeFactory.instance.arrayNode().add(op.expected).add(op.value);
        };
    }

    private static long nanos(long ms) {
        return ms * 1_000_000L;
    }
}
