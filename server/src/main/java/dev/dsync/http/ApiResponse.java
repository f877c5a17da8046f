package dev.dsync.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer with its HTTP status: JSON, or (for /metrics) plain text when {@code text} is set, and
 * any headers of its own (Retry-After, WWW-Authenticate) beside the ones every answer gets.
 */
public record ApiResponse(int status, JsonNode body, String text, Map<String, String> headers) {

    public ApiResponse {
        headers = Map.copyOf(headers);
    }

    public ApiResponse(int status, JsonNode body, String text) {
        this(status, body, text, Map.of());
    }

    public ApiResponse(int status, JsonNode body) {
        this(status, body, null);
    }

    public static ApiResponse ok(JsonNode body) {
        return new ApiResponse(200, body);
    }

    public static ApiResponse text(String text) {
        return new ApiResponse(200, null, text);
    }

    /** This answer with one more header. */
    public ApiResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiResponse(status, body, text, more);
    }
}
