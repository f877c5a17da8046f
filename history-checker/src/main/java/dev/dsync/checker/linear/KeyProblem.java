package dev.dsync.checker.linear;

import dev.dsync.checker.history.Operation;
import java.util.List;

/**
 * Everything the linearizability search needs for one key.
 *
 * <p>Invariants: all arrays have {@code ops.size()} entries; {@code callPos[i] < returnPos[i]};
 * {@code returnPos[i] == Long.MAX_VALUE} iff operation i is optional (its outcome is unknown,
 * so it may take effect at any time after its call, or never); {@code twin[i]} is -1 or the
 * index of an earlier-called optional operation with identical effect, which must be
 * linearized before i may be (a symmetry break that never changes the verdict).
 *
 * @param ops   the operations kept after the model's reductions, in call order
 * @param notes human-readable list of the reductions applied, for the report
 */
public record KeyProblem(String key, List<Operation> ops, long[] callPos, long[] returnPos, int[] twin,
                         SequentialSpec spec, List<String> notes) {

    public int size() {
        return ops.size();
    }

    public boolean optional(int i) {
        return returnPos[i] == Long.MAX_VALUE;
    }
}
