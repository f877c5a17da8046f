package dev.dsync.checker;

import dev.dsync.checker.history.History;
import dev.dsync.checker.history.HistoryFormatException;
import dev.dsync.checker.history.Operation;
import dev.dsync.checker.history.RequestRetries;
import dev.dsync.checker.linear.MemoryBudget;
import dev.dsync.checker.model.Model;
import dev.dsync.checker.model.Models;
import dev.dsync.checker.queue.QueueReport;
import dev.dsync.checker.queue.TotalQueueChecker;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Library entry point: {@code Checker.check("kv", history, CheckOptions.defaults())}.
 *
 * <p>Histories are split by key (P-compositionality: a history of independent objects is
 * linearizable iff each object's sub-history is), and keys are checked in parallel on a
 * bounded pool. Every key is checked even after a violation, so per-key verdicts are complete
 * unless the time limit cuts them short. The result is independent of thread scheduling.
 */
public final class Checker {
    private Checker() {
    }

    /**
     * @throws IllegalArgumentException  unknown model name
     * @throws HistoryFormatException    an operation does not fit the model (unusable input)
     */
    public static Result check(String modelName, History history, CheckOptions options) {
        long start = System.nanoTime();
        long deadline = start + options.timeLimit().toNanos();
        boolean queue = modelName.equals(Models.TOTAL_QUEUE);
        Model model = queue ? null : Models.linearizable(modelName);
        CheckOptions resolved = queue ? options : model.resolve(history, options);
        Map<String, List<Operation>> groups = queue ? history.byKey() : model.split(history, resolved);
        if (options.progress() != null) {
            options.progress().keysTotal(groups.size());
        }
        List<KeyResult> keys = queue ? totalQueue(groups, options) : linearizable(model, groups, resolved, deadline);
        Verdict verdict = Verdict.combine(keys.stream().map(KeyResult::verdict).toList());
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new Result(modelName, verdict, Summaries.summary(modelName, verdict, keys),
                Summaries.counts(history), history.nemesis().size(), keys, millis);
    }

    private static List<KeyResult> totalQueue(Map<String, List<Operation>> groups, CheckOptions options) {
        List<KeyResult> out = new ArrayList<>();
        for (Map.Entry<String, List<Operation>> e : groups.entrySet()) {
            long t0 = System.nanoTime();
            QueueReport q = TotalQueueChecker.check(e.getValue(), options.rho());
            boolean valid = q.lostCount() == 0 && q.unexpectedCount() == 0 && q.timedViolationCount() == 0;
            String reason = valid ? null : q.lostCount() + " lost, " + q.unexpectedCount() + " unexpected"
                    + (q.timedViolationCount() == 0 ? "" : ", " + q.timedViolationCount() + " timed violation(s); first: "
                    + q.timedViolations().get(0));
            List<String> notes = q.drained() ? List.of()
                    : List.of("no ok drain in this history: messages still queued at the end count as lost");
            out.add(new KeyResult(e.getKey(), valid ? Verdict.VALID : Verdict.INVALID, e.getValue().size(),
                    e.getValue().size(), 0, 0, (System.nanoTime() - t0) / 1_000_000, reason, notes, null, q));
            if (options.progress() != null) {
                options.progress().keyDone();
            }
        }
        return out;
    }

    private static List<KeyResult> linearizable(Model model, Map<String, List<Operation>> groups, CheckOptions options,
                                                long deadline) {
        MemoryBudget budget = new MemoryBudget(options.memoryBudget());
        List<String> keys = new ArrayList<>(groups.keySet());
        int threads = Math.max(1, Math.min(options.threads(), keys.size()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "checker-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            // Largest keys first, so one big key does not start last and dominate the wall time.
            List<String> order = new ArrayList<>(keys);
            order.sort(Comparator.comparingInt((String k) -> -groups.get(k).size()));
            Map<String, Future<KeyResult>> futures = new java.util.HashMap<>();
            for (String k : order) {
                futures.put(k, pool.submit(() -> {
                    KeyResult r = KeyChecker.check(model, k, RequestRetries.fold(groups.get(k)), options, deadline, budget);
                    if (options.progress() != null) {
                        options.progress().keyDone();
                    }
                    return r;
                }));
            }
            List<KeyResult> out = new ArrayList<>(keys.size());
            for (String k : keys) {
                out.add(await(futures.get(k)));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static KeyResult await(Future<KeyResult> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
