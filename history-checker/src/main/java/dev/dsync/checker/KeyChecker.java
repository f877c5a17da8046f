package dev.dsync.checker;

import dev.dsync.checker.history.Operation;
import dev.dsync.checker.linear.KeyProblem;
import dev.dsync.checker.linear.LinearizabilitySearch;
import dev.dsync.checker.linear.MemoryBudget;
import dev.dsync.checker.linear.SearchResult;
import dev.dsync.checker.linear.SequentialSpec;
import dev.dsync.checker.model.Model;
import java.util.ArrayList;
import java.util.List;

/** Checks one key for linearizability and turns the search result into a {@link KeyResult}. */
final class KeyChecker {
    /** Counterexamples keep at most this many trailing prefix steps (the interesting end). */
    static final int MAX_PREFIX_STEPS = 2000;

    private KeyChecker() {
    }

    static KeyResult check(Model model, String key, List<Operation> ops, CheckOptions options, long deadline,
                           MemoryBudget budget) {
        long start = System.nanoTime();
        KeyProblem problem = model.compile(key, ops, options);
        Progress progress = options.progress();
        SearchResult r = LinearizabilitySearch.run(problem, deadline, budget,
                progress == null ? n -> { } : progress::explored);
        long millis = (System.nanoTime() - start) / 1_000_000;
        int prefixLen = r.prefix().length;
        int mandatory = 0;
        for (int i = 0; i < problem.size(); i++) {
            mandatory += problem.optional(i) ? 0 : 1;
        }
        return switch (r.status()) {
            case LINEARIZABLE -> new KeyResult(key, Verdict.VALID, ops.size(), problem.size(), r.configurations(),
                    prefixLen, millis, null, problem.notes(), null, null);
            case UNKNOWN -> new KeyResult(key, Verdict.UNKNOWN, ops.size(), problem.size(), r.configurations(),
                    prefixLen, millis, r.reason() + " after exploring " + r.configurations()
                    + " configurations; longest linearizable prefix reached: " + prefixLen + " operations, info ones included ("
                    + mandatory + " must be placed)",
                    problem.notes(), null, null);
            case NOT_LINEARIZABLE -> {
                Counterexample ce = counterexample(problem, r);
                // Timed locks: say which lease was still surely running there.
                String lease = ce.leases().isEmpty() ? "" : "; state there: " + ce.stateAtFailure();
                yield new KeyResult(key, Verdict.INVALID, ops.size(), problem.size(), r.configurations(),
                        prefixLen, millis, "no linearization: " + OpView.of(problem.ops().get(r.blocking())).brief()
                        + " cannot be placed after the longest linearizable prefix (" + prefixLen + " operations)" + lease,
                        problem.notes(), ce, null);
            }
        };
    }

    /** Replays the prefix through the model to get the state after every step. */
    static Counterexample counterexample(KeyProblem p, SearchResult r) {
        SequentialSpec spec = p.spec();
        int[] prefix = r.prefix();
        int omitted = Math.max(0, prefix.length - MAX_PREFIX_STEPS);
        List<Counterexample.Step> steps = new ArrayList<>();
        long state = spec.initialState();
        String initial = spec.describeState(state);
        for (int i = 0; i < prefix.length; i++) {
            state = spec.step(state, prefix[i]);
            if (state == SequentialSpec.INVALID) {
                throw new IllegalStateException("search prefix does not replay at step " + i);
            }
            if (i >= omitted) {
                steps.add(new Counterexample.Step(OpView.of(p.ops().get(prefix[i])), spec.describeState(state)));
            }
        }
        OpView blocking = r.blocking() >= 0 ? OpView.of(p.ops().get(r.blocking())) : null;
        return new Counterexample(steps, prefix.length, omitted, initial, spec.describeState(state), blocking,
                spec.leaseWindows(prefix, state, r.blocking()));
    }
}
