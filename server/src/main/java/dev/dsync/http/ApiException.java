package dev.dsync.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** A request that ends with a JSON error answer, e.g. 400 {"error":"field 'key' is missing"}. */
public final class ApiException extends RuntimeException {
    private final int status;
    private final ObjectNode body;
    private final Map<String, String> headers;

    public ApiException(int status, ObjectNode body) {
        this(status, body, Map.of());
    }

    /** @param headers headers of this answer's own, such as Retry-After */
    public ApiException(int status, ObjectNode body, Map<String, String> headers) {
        super(body.path("error").asText(), null, false, false);
        this.status = status;
        this.body = body;
        this.headers = Map.copyOf(headers);
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

    public Map<String, String> headers() {
        return headers;
    }

    /** The answer this exception stands for. */
    public ApiResponse response() {
        return new ApiResponse(status, body, null, headers);
    }
}
