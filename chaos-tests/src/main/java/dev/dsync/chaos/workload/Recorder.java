package dev.dsync.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** Records client operations into the run's history as invoke, then one of ok, fail or info. */
public interface Recorder {

    Op invoke(int process, String f, String key, JsonNode value, String node);

    /**
     * As {@link #invoke(int, String, String, JsonNode, String)}, with top-level fields of the
     * workload's own on the invoke line (docs/history-format.md: e.g. an enqueue's
     * {@code msg_key}, {@code client_id}, {@code request_id}); checkers that do not know them
     * ignore them. {@code key} may be null for an operation on no one key (a lock renew).
     */
    default Op invoke(int process, String f, String key, JsonNode value, String node, Map<String, ?> extra) {
        return invoke(process, f, key, value, node);
    }

    /** One invoked operation; exactly one completion method must be called, once. */
    interface Op {
        /** It happened; {@code value} is what the system answered (may add to the invoked value). */
        void ok(JsonNode value);

        /**
         * As {@link #ok(JsonNode)}, with fields of the workload's own on the history line, for
         * people reading it (the checker ignores them), e.g. whether a cache read was a hit.
         */
        default void ok(JsonNode value, Map<String, ?> extra) {
            ok(value);
        }

        /** It certainly did not happen. */
        void fail(String error);

        /**
         * It certainly did not happen, and the server said why: {@code error} is written as a JSON
         * object such as {@code {"status":409,"error":"stale receipt: ..."}} (the history contract's
         * form for refusals a checker reads, e.g. a stale ack).
         */
        default void fail(JsonNode error) {
            fail(error.toString());
        }

        /** Unknown: it may have happened. The process must not be used again. */
        void info(String error);
    }
}
