package dev.dsync.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.statemachine.JsonFactories;
import java.util.Map;

/**
 * One client request, body already read. Field accessors validate and throw {@link ApiException}
 * 400 naming the field, so handlers never act on half-valid input.
 */
public final class ApiRequest {
    /**
     * Strict about what a body may be: trailing content after the object and repeated field names
     * are refused, so a body means exactly one thing (Jackson would ignore the one and let the last
     * of the other win).
     */
    static final ObjectMapper JSON = JsonMapper.builder(JsonFactories.pooled())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final String method;
    private final String path;
    private final Map<String, String> query;
    private final byte[] body;
    private final boolean forwarded;
    private final String authorization;
    private ObjectNode json;

    public ApiRequest(String method, String path, Map<String, String> query, byte[] body, boolean forwarded) {
        this(method, path, query, body, forwarded, null);
    }

    /** @param authorization the Authorization header, or null: passed on when the request is forwarded */
    public ApiRequest(String method, String path, Map<String, String> query, byte[] body, boolean forwarded,
                      String authorization) {
        this.method = method;
        this.path = path;
        this.query = Map.copyOf(query);
        this.body = body;
        this.forwarded = forwarded;
        this.authorization = authorization;
    }

    /** The same request as a node passes it on to the leader (marked forwarded, so it travels one hop at most). */
    public ApiRequest asForwarded() {
        return new ApiRequest(method, path, query, body, true, authorization);
    }

    /** The query parameters (the first value of each name). */
    public Map<String, String> query() {
        return query;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public byte[] body() {
        return body;
    }

    /** True when another node already forwarded this request here (so it is never forwarded again). */
    public boolean forwarded() {
        return forwarded;
    }

    /** The Authorization header as sent, or null. */
    public String authorization() {
        return authorization;
    }

    public String queryParam(String name) {
        String v = query.get(name);
        if (v == null || v.isEmpty()) {
            throw ApiException.badRequest("query parameter '" + name + "' is missing");
        }
        return v;
    }

    public String queryParamOr(String name, String fallback) {
        String v = query.get(name);
        return v == null || v.isEmpty() ? fallback : v;
    }

    /**
     * The body as a JSON object; 400 if it is malformed or not an object. An empty (or blank) body
     * means {@code {}}: an endpoint whose fields are all optional works without one, and one with a
     * required field answers 400 naming that field.
     */
    public ObjectNode json() {
        if (json == null) {
            if (isBlank(body)) {
                json = JSON.createObjectNode();
                return json;
            }
            JsonNode node;
            try {
                node = JSON.readTree(body);
            } catch (JsonProcessingException e) {
                throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage());
            } catch (java.io.IOException e) {
                // e.g. NUL bytes early in the body make the parser take it for UTF-32, which then fails to decode.
                throw ApiException.badRequest("malformed JSON: unreadable body (" + e.getMessage() + ")");
            }
            if (node == null || !node.isObject()) {
                throw ApiException.badRequest("request body must be a JSON object");
            }
            json = (ObjectNode) node;
        }
        return json;
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    public String requiredString(String field) {
        String v = optionalString(field);
        if (v == null) {
            throw ApiException.badRequest("field '" + field + "' is missing");
        }
        return v;
    }

    /** A non-empty string (at most 1024 chars), or null if absent; numbers are accepted as ids. */
    public String optionalString(String field) {
        JsonNode v = json().get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() && !v.isIntegralNumber()) {
            throw ApiException.badRequest("field '" + field + "' must be a string");
        }
        String s = v.asText();
        if (s.isEmpty()) {
            throw ApiException.badRequest("field '" + field + "' must not be empty");
        }
        if (s.length() > 1024) {
            throw ApiException.badRequest("field '" + field + "' is longer than 1024 characters");
        }
        return s;
    }

    public long optionalLong(String field, long fallback, long min, long max) {
        JsonNode v = json().get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiException.badRequest("field '" + field + "' must be a whole number");
        }
        long n = v.asLong();
        if (n < min || n > max) {
            throw ApiException.badRequest("field '" + field + "' must be between " + min + " and " + max + ", not " + n);
        }
        return n;
    }

    /** A field that must be present with any JSON value (e.g. a cache value or queue payload). */
    public JsonNode requiredValue(String field) {
        JsonNode v = json().get(field);
        if (v == null) {
            throw ApiException.badRequest("field '" + field + "' is missing");
        }
        return v;
    }

    public <E extends Enum<E>> E requiredEnum(String field, Class<E> type) {
        String raw = requiredString(field);
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(raw)) {
                return e;
            }
        }
        throw ApiException.badRequest("field '" + field + "' must be one of " + java.util.Arrays.toString(type.getEnumConstants()) + ", not '" + raw + "'");
    }
}
