package dev.dsync.http;

import com.fasterxml.jackson.databind.JsonNode;

/** An answer with its HTTP status: JSON, or (for /metrics) plain text when {@code text} is set. */
public record ApiResponse(int status, JsonNode body, String text) {

    public ApiResponse(int status, JsonNode body) {
        this(status, body, null);
    }

    public static ApiResponse ok(JsonNode body) {
        return new ApiResponse(200, body);
    }

    public static ApiResponse text(String text) {
        return new ApiResponse(200, null, text);
    }
}
