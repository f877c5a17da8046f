package dev.dsync.checker.history;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A client operation: an invoke paired with its completion.
 *
 * <p>Invariants: {@code invokeIndex < completeIndex} when a completion exists; an operation
 * without a completion has {@code outcome == INFO}, {@code completeIndex == -1} and
 * {@code completeTime == -1}. {@code id} is the position in {@link History#operations()}.
 *
 * @param invokeValue value of the invoke event (the argument)
 * @param resultValue value of the completion event (for ok reads: what was read), null if none
 */
public record Operation(int id, int process, String f, String key, JsonNode invokeValue, JsonNode resultValue,
                        Outcome outcome, long invokeIndex, long completeIndex, long invokeTime, long completeTime,
                        String node, JsonNode error, int invokeLine) {

    public boolean completed() {
        return completeIndex >= 0;
    }

    /** Latency in nanoseconds, or -1 when the operation never completed. */
    public long latency() {
        return completed() ? completeTime - invokeTime : -1;
    }
}
