package dev.dsync.checker.model;

import dev.dsync.checker.linear.ProblemBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Verdict-preserving rewrites of optional (info) register operations. Without them every
 * open info write multiplies the search space, because the search must consider each subset
 * of them having taken effect.
 *
 * <ol>
 * <li><b>Drop unobserved:</b> an optional write or cas whose new value v is never observed
 * (no non-failed read returned v and no non-failed cas expected v) is removed. Sound: in any
 * linearization that includes it, the operations after it up to the next write cannot depend
 * on the state being v, so deleting it leaves a valid linearization; the converse is trivial.
 * Repeated to a fixpoint, since dropping an info cas removes its observation.</li>
 * <li><b>Promote observed unique:</b> if v is produced by exactly one operation w (and v is not
 * the initial null), w is optional, and some ok operation observed v, then every valid
 * linearization contains w before that observer, hence before the observer's completion.
 * So w becomes mandatory with completion = the earliest such observer's completion (only
 * when that is after w's invoke; otherwise w stays optional and the search reports the
 * impossible observation itself).</li>
 * <li><b>Unique-value rule</b> (applied in the transition function, see {@link #requiredObservations}):
 * a value with a single producer cannot be overwritten before all its mandatory observers are
 * linearized, because it can never be seen again afterwards.</li>
 * </ol>
 */
final class RegisterReductions {
    private RegisterReductions() {
    }

    static List<RegisterModel.RegOp> apply(List<RegisterModel.RegOp> in, int nValues, ProblemBuilder notes) {
        List<RegisterModel.RegOp> ops = new ArrayList<>(in);
        int dropped = 0;
        boolean changed = true;
        while (changed) {
            changed = false;
            boolean[] observed = new boolean[nValues];
            for (RegisterModel.RegOp o : ops) {
                if (o.observes() >= 0) {
                    observed[o.observes()] = true;
                }
            }
            List<RegisterModel.RegOp> kept = new ArrayList<>(ops.size());
            for (RegisterModel.RegOp o : ops) {
                if (o.optional() && o.produces() >= 0 && !observed[o.produces()]) {
                    dropped++;
                    changed = true;
                } else {
                    kept.add(o);
                }
            }
            ops = kept;
        }
        int promoted = promote(ops, nValues);
        if (dropped > 0) {
            notes.note("dropped " + dropped + " info write/cas operation(s) whose value was never observed");
        }
        if (promoted > 0) {
            notes.note("made " + promoted + " info write/cas operation(s) mandatory: their unique value was observed");
        }
        return ops;
    }

    private static int promote(List<RegisterModel.RegOp> ops, int nValues) {
        int[] producers = new int[nValues];
        producers[ValueTable.NIL]++; // the initial state produces null
        long[] firstOkObservation = new long[nValues];
        Arrays.fill(firstOkObservation, Long.MAX_VALUE);
        for (RegisterModel.RegOp o : ops) {
            if (o.produces() >= 0) {
                producers[o.produces()]++;
            }
            if (!o.optional() && o.observes() >= 0) {
                firstOkObservation[o.observes()] = Math.min(firstOkObservation[o.observes()], o.ret());
            }
        }
        int promoted = 0;
        for (int i = 0; i < ops.size(); i++) {
            RegisterModel.RegOp o = ops.get(i);
            int v = o.produces();
            if (o.optional() && v >= 0 && producers[v] == 1 && firstOkObservation[v] != Long.MAX_VALUE
                    && firstOkObservation[v] > o.op().invokeIndex()) {
                ops.set(i, new RegisterModel.RegOp(o.op(), o.kind(), o.a(), o.b(), firstOkObservation[v]));
                promoted++;
            }
        }
        return promoted;
    }

    /**
     * For the unique-value rule: {@code required[v]} is the number of mandatory operations that
     * observe v if v has exactly one producer (the initial state produces null), else -1.
     * Call after {@link #apply}, on the final operations.
     */
    static int[] requiredObservations(List<RegisterModel.RegOp> ops, int nValues) {
        int[] producers = new int[nValues];
        producers[ValueTable.NIL]++;
        int[] observers = new int[nValues];
        for (RegisterModel.RegOp o : ops) {
            if (o.produces() >= 0) {
                producers[o.produces()]++;
            }
            if (!o.optional() && o.observes() >= 0) {
                observers[o.observes()]++;
            }
        }
        int[] required = new int[nValues];
        for (int v = 0; v < nValues; v++) {
            required[v] = producers[v] == 1 ? observers[v] : -1;
        }
        return required;
    }
}
