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
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * What the cache's clients saw, as a history for the checker's {@code kv} model (one
 * cas-register per key; docs/history-format.md), in simulated time. Gets are reads, puts writes,
 * cas {@code [expected, new]}, and a del a write of null (absent).
 */
final class CacheHistory {
    /** Far more than a few hundred operations need; a check that runs out fails the seed rather than passing. */
    private static final Duration CHECK_LIMIT = Duration.ofSeconds(60);
    /** How far around the operation that cannot be placed a failure report lists the key's operations. */
    private static final long CONTEXT_MS = 1000;

    /** One operation as the simulation saw it, for explaining a failed check. */
    private static final class Record {
        final CacheClients.Op op;
        final long invokeMs;
        long completeMs = -1;
        String outcome = "no answer";

        Record(CacheClients.Op op, long invokeMs) {
            this.op = op;
            this.invokeMs = invokeMs;
        }

        @Override
        public String toString() {
            return "[" + invokeMs + ".." + (completeMs < 0 ? "" : completeMs) + " ms] p" + op.process + " " + op.kind + " "
                    + (op.kind == CacheClients.Kind.CAS ? op.expected + "->" : "") + (op.value == null ? "" : op.value + " ")
                    + "at " + op.node + ": " + outcome;
        }
    }

    private final HistoryBuilder events = new HistoryBuilder();
    /** By the index of the operation's invoke event. */
    private final Map<Integer, Record> records = new HashMap<>();
    private final Map<Long, Record> byOp = new HashMap<>();

    void invoke(long nowMs, CacheClients.Op op) {
        Record record = new Record(op, nowMs);
        records.put(events.size(), record);
        byOp.put(op.id, record);
        events.at(nanos(nowMs)).invoke(op.process, f(op), op.key, argument(op));
    }

    /**
     * {@code value}: what a get read (null: absent); ignored for writes, which complete with their
     * argument. {@code how}: a hit, the leader's answer, the write's version.
     */
    void ok(long nowMs, CacheClients.Op op, JsonNode value, String how) {
        complete(nowMs, op, "ok " + (op.kind == CacheClients.Kind.GET ? value + " " : "") + how);
        events.at(nanos(nowMs)).ok(op.process, f(op), op.key, op.kind == CacheClients.Kind.GET ? value : argument(op));
    }

    void fail(long nowMs, CacheClients.Op op) {
        complete(nowMs, op, "fail");
        events.at(nanos(nowMs)).fail(op.process, f(op), op.key, argument(op));
    }

    void info(long nowMs, CacheClients.Op op) {
        complete(nowMs, op, "info");
        events.at(nanos(nowMs)).info(op.process, f(op), op.key, argument(op));
    }

    private void complete(long nowMs, CacheClients.Op op, String outcome) {
        Record record = byOp.get(op.id);
        record.completeMs = nowMs;
        record.outcome = outcome;
    }

    int operations() {
        return records.size();
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
        StringBuilder text = new StringBuilder("cache history of " + operations() + " operations: " + result.summary());
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
                Record stuck = records.get((int) c.unplaceable().invokeIndex());
                if (stuck != null) {
                    text.append("\n    operations on ").append(key.key()).append(" around it, in simulated time:");
                    long until = stuck.completeMs < 0 ? Long.MAX_VALUE : stuck.completeMs + CONTEXT_MS;
                    records.values().stream()
                            .filter(r -> r.op.key.equals(key.key()) && r.invokeMs <= until
                                    && (r.completeMs < 0 || r.completeMs >= stuck.invokeMs - CONTEXT_MS))
                            .sorted(Comparator.comparingLong((Record r) -> r.invokeMs).thenComparingLong(r -> r.op.id))
                            .limit(40)
                            .forEach(r -> text.append("\n      ").append(r).append(r == stuck ? "   <-" : ""));
                }
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
