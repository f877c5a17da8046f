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
 * @param invokeExtra non-standard fields of the invoke event (see {@link Event#extra}), or null
 * @param resultExtra non-standard fields of the completion event, or null
 */
public record Operation(int id, int process, String f, String key, JsonNode invokeValue, JsonNode resultValue,
                        Outcome outcome, long invokeIndex, long completeIndex, long invokeTime, long completeTime,
                        String node, JsonNode error, int invokeLine, JsonNode invokeExtra, JsonNode resultExtra) {

    public Operation(int id, int process, String f, String key, JsonNode invokeValue, JsonNode resultValue,
                     Outcome outcome, long invokeIndex, long completeIndex, long invokeTime, long completeTime,
                     String node, JsonNode error, int invokeLine) {
        this(id, process, f, key, invokeValue, resultValue, outcome, invokeIndex, completeIndex, invokeTime,
                completeTime, node, error, invokeLine, null, null);
    }

    /** A non-standard field of the invoke event (such as {@code request_id}), or null. */
    public JsonNode invokeExtra(String name) {
        JsonNode v = invokeExtra == null ? null : invokeExtra.get(name);
        return v == null || v.isNull() ? null : v;
    }

    /** A non-standard field of the completion event (such as {@code msg_id}), or null. */
    public JsonNode resultExtra(String name) {
        JsonNode v = resultExtra == null ? null : resultExtra.get(name);
        return v == null || v.isNull() ? null : v;
    }

    public boolean completed() {
        return completeIndex >= 0;
    }

    /** Latency in nanoseconds, or -1 when the operation never completed. */
    public long latency() {
        return completed() ? completeTime - invokeTime : -1;
    }
}
