package dev.dsync.checker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.checker.history.Operation;

/**
 * An operation as shown in results: {@code id} is its position in
 * {@code History.operations()}, {@code line} the line of its invoke in the input.
 */
public record OpView(int id, int process, String f, String key, JsonNode value, JsonNode result, String outcome,
                     long invokeIndex, long completeIndex, int line) {

    public static OpView of(Operation op) {
        return new OpView(op.id(), op.process(), op.f(), op.key(), op.invokeValue(), op.resultValue(),
                op.outcome().wireName(), op.invokeIndex(), op.completeIndex(), op.invokeLine());
    }

    /** Short text such as {@code p3 write 5 -> ok}. */
    public String brief() {
        return "p" + process + " " + f + (value == null ? "" : " " + value)
                + " -> " + outcome + (result == null ? "" : " " + result);
    }
}
