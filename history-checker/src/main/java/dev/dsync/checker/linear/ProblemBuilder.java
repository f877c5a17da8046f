package dev.dsync.checker.linear;

import dev.dsync.checker.history.Operation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects a model's kept operations (in call order) and derives the {@link KeyProblem}
 * arrays, including twin links between optional operations with equal effect signatures.
 */
public final class ProblemBuilder {
    private final List<Operation> ops = new ArrayList<>();
    private final List<Long> returns = new ArrayList<>();
    private final List<Object> signatures = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /**
     * @param returnPos completion position, or {@code Long.MAX_VALUE} for an optional operation
     * @param effect    for optional operations, a value equal for two operations iff they have the
     *                  same effect in every state; ignored for mandatory ones
     * @return the index of the operation in the problem
     */
    public int add(Operation op, long returnPos, Object effect) {
        ops.add(op);
        returns.add(returnPos);
        signatures.add(effect);
        return ops.size() - 1;
    }

    public int size() {
        return ops.size();
    }

    public void note(String note) {
        notes.add(note);
    }

    public KeyProblem build(String key, SequentialSpec spec) {
        int n = ops.size();
        long[] call = new long[n];
        long[] ret = new long[n];
        int[] twin = new int[n];
        Map<Object, Integer> lastWithEffect = new HashMap<>();
        for (int i = 0; i < n; i++) {
            call[i] = ops.get(i).invokeIndex();
            ret[i] = returns.get(i);
            twin[i] = -1;
            if (ret[i] == Long.MAX_VALUE && signatures.get(i) != null) {
                Integer prev = lastWithEffect.put(signatures.get(i), i);
                twin[i] = prev == null ? -1 : prev;
            }
        }
        return new KeyProblem(key, List.copyOf(ops), call, ret, twin, spec, List.copyOf(notes));
    }
}
