package dev.dsync.checker.reference;

import dev.dsync.checker.history.Operation;
import dev.dsync.checker.history.Outcome;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides linearizability of a tiny single-object history by trying every order: an
 * operation may be placed next unless some other unplaced ok operation completed before it was
 * invoked; ok operations must all be placed, info ones may be placed or left out, failed ones
 * are ignored. Exponential; meant for up to ~8 operations.
 */
public final class BruteForceChecker {
    private BruteForceChecker() {
    }

    public static boolean linearizable(RefModel model, List<Operation> ops) {
        model.prepare(ops);
        List<Operation> live = new ArrayList<>();
        for (Operation op : ops) {
            if (op.outcome() != Outcome.FAIL) {
                live.add(op);
            }
        }
        return search(model, live, model.initial());
    }

    private static boolean search(RefModel model, List<Operation> remaining, Object state) {
        if (remaining.stream().noneMatch(o -> o.outcome() == Outcome.OK)) {
            return true;
        }
        for (Operation o : remaining) {
            if (!mayGoNext(o, remaining)) {
                continue;
            }
            List<Operation> rest = new ArrayList<>(remaining);
            rest.remove(o);
            for (Object next : model.apply(state, o, o.outcome() == Outcome.OK)) {
                if (search(model, rest, next)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean mayGoNext(Operation o, List<Operation> remaining) {
        for (Operation m : remaining) {
            if (m != o && m.outcome() == Outcome.OK && m.completeIndex() < o.invokeIndex()) {
                return false;
            }
        }
        return true;
    }
}
