package dev.dsync.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** Records client operations into the run's history as invoke, then one of ok, fail or info. */
public interface Recorder {

    Op invoke(int process, String f, String key, JsonNode value, String node);

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

        /** Unknown: it may have happened. The process must not be used again. */
        void info(String error);
    }
}
