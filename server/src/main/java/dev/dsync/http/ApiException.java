package dev.dsync.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A request that ends with a JSON error answer, e.g. 400 {"error":"field 'key' is missing"}. */
public final class ApiException extends RuntimeException {
    private final int status;
    private final ObjectNode body;

    public ApiException(int status, ObjectNode body) {
        super(body.path("error").asText(), null, false, false);
        this.status = status;
        this.body = body;
    }

    public ApiException(int status, String error) {
        this(status, JsonNodeFactory.instance.objectNode().put("error", error));
    }

    public static ApiException badRequest(String error) {
        return new ApiException(400, error);
    }

    public int status() {
        return status;
    }

    public ObjectNode body() {
        return body;
    }
}
