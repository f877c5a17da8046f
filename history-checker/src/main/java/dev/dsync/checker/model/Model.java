package dev.dsync.checker.model;

import dev.dsync.checker.CheckOptions;
import dev.dsync.checker.history.Operation;
import dev.dsync.checker.linear.KeyProblem;
import java.util.List;

/** A model checked for linearizability, key by key. */
public interface Model {
    String name();

    /**
     * Compiles one key's operations (all outcomes, in invoke order) into a search problem.
     * Operations that failed certainly did not happen and are dropped here.
     *
     * @throws dev.dsync.checker.history.HistoryFormatException if an operation does not fit the model
     */
    KeyProblem compile(String key, List<Operation> ops, CheckOptions options);
}
