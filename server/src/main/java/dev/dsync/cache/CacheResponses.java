package dev.dsync.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.statemachine.ApplyResult;
import java.util.List;

/** The JSON bodies of the cache state machine's answers, as the product spec words them. */
final class CacheResponses {
    static final String CAS_MISMATCH = "cas mismatch";
    static final String STALE_FILL = "stale fill";

    private CacheResponses() {}

    /** Put, cas or del applied: its version and the other nodes whose copy it removed. */
    static ApplyResult written(long version, List<String> invalidated) {
        ObjectNode body = ApplyResult.object();
        body.put("version", version);
        invalidated.forEach(body.putArray("invalidated")::add);
        return ApplyResult.ok(body);
    }

    /** 409: the current value is not the expected one. An absent key: current null, version 0. */
    static ApplyResult casMismatch(JsonNode current, long version) {
        ObjectNode body = ApplyResult.object();
        body.put("error", CAS_MISMATCH);
        body.set("current", current);
        body.put("version", version);
        return new ApplyResult(409, body);
    }

    static ApplyResult notFound() {
        return new ApplyResult(404, ApplyResult.object().put("found", false));
    }

    /** The node now holds the key in {@code state}; {@code downgraded} dropped from E or M to S. */
    static ApplyResult filled(LineState state, long version, List<String> downgraded) {
        ObjectNode body = ApplyResult.object();
        body.put("state", state.name());
        body.put("version", version);
        downgraded.forEach(body.putArray("downgraded")::add);
        return ApplyResult.ok(body);
    }

    /** 409: the key is no longer at the version read; {@code current} is 0 if it is absent. */
    static ApplyResult staleFill(long current) {
        ObjectNode body = ApplyResult.object();
        body.put("error", STALE_FILL);
        body.put("version", current);
        return new ApplyResult(409, body);
    }

    static ApplyResult evicted(boolean held) {
        return ApplyResult.ok(ApplyResult.object().put("evicted", held));
    }

    static ApplyResult droppedNode(int lines) {
        return ApplyResult.ok(ApplyResult.object().put("dropped", lines));
    }

    static ApplyResult malformed() {
        return ApplyResult.error(400, "malformed cache command");
    }
}
