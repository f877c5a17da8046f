package dev.dsync.checker.model;

import dev.dsync.checker.CheckOptions;
import dev.dsync.checker.history.History;
import dev.dsync.checker.history.Operation;
import dev.dsync.checker.linear.KeyProblem;
import java.util.List;
import java.util.Map;

/** A model checked for linearizability, key by key. */
public interface Model {
    String name();

    /** Settles options that depend on the history (such as the lease model); by default none. */
    default CheckOptions resolve(History history, CheckOptions options) {
        return options;
    }

    /**
     * The history split into independent objects, each checked on its own; by default by key.
     * A model whose operations may span keys (key-less lock renews) hands each key the
     * operations of other keys it needs, which then carry a key different from the group's.
     */
    default Map<String, List<Operation>> split(History history, CheckOptions options) {
        return history.byKey();
    }

    /**
     * Compiles one key's operations (all outcomes, in invoke order) into a search problem.
     * Operations that failed certainly did not happen and are dropped here.
     *
     * @throws dev.dsync.checker.history.HistoryFormatException if an operation does not fit the model
     */
    KeyProblem compile(String key, List<Operation> ops, CheckOptions options);
}
