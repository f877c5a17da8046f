package dev.dsync.statemachine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The outcome of applying one command: an HTTP-style status (200, 404, 409, ...) and a JSON body,
 * returned to the client that proposed it. Deterministic, so every replica computes the same one.
 */
public record ApplyResult(int status, JsonNode body) {

    public static ApplyResult ok(JsonNode body) {
        return new ApplyResult(200, body);
    }

    public static ApplyResult error(int status, String message) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("error", message);
        return new ApplyResult(status, body);
    }

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }
}
