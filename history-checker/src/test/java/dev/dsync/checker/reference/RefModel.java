package dev.dsync.checker.reference;

import dev.dsync.checker.history.Operation;
import java.util.List;

/**
 * A deliberately naive sequential specification over plain Java objects, written
 * independently of the production models (no value interning, no long-encoded states, no
 * reductions, explicit nondeterminism instead of lazy tricks).
 */
public interface RefModel {
    Object initial();

    /** Called once per history before the search, with its operations (all outcomes). */
    default void prepare(List<Operation> ops) {}

    /**
     * All states the object can be in after {@code op} (with its reported result if {@code known})
     * is applied to {@code state}; empty if the operation is impossible there.
     */
    List<Object> apply(Object state, Operation op, boolean known);
}
