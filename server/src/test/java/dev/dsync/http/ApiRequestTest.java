package dev.dsync.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a request body and query string are read: what an empty body means, and what is refused. */
class ApiRequestTest {
    private static ApiRequest post(String body) {
        return new ApiRequest("POST", "/x", Map.of(), body.getBytes(StandardCharsets.UTF_8), false);
    }

    private static String refusal(Runnable read) {
        ApiException e = assertThrows(ApiException.class, read::run);
        assertEquals(400, e.status());
        return e.getMessage();
    }

    @Test
    void anEmptyOrBlankBodyIsAnEmptyObject() {
        assertEquals(0, post("").json().size());
        assertEquals(0, post(" \r\n\t").json().size());
        assertEquals(7, post("").optionalLong("wait_ms", 7, 0, 10));
        assertEquals(null, post("").optionalString("queue"));
    }

    @Test
    void anEmptyBodyNamesTheFirstMissingRequiredField() {
        assertEquals("field 'key' is missing", refusal(() -> post("").requiredString("key")));
    }

    @Test
    void contentAfterTheObjectIsRefused() {
        assertTrue(refusal(() -> post("{\"key\":\"a\"} x").json()).startsWith("malformed JSON"));
        assertTrue(refusal(() -> post("{\"key\":\"a\"}{}").json()).startsWith("malformed JSON"));
        assertEquals("a", post("{\"key\":\"a\"} \n").requiredString("key"));
    }

    @Test
    void aRepeatedFieldIsRefusedRatherThanTheLastOneWinning() {
        assertTrue(refusal(() -> post("{\"key\":\"a\",\"key\":\"b\"}").json()).contains("Duplicate field 'key'"));
    }

    @Test
    void nestingBeyondTheParsersLimitIsRefusedAsMalformed() {
        String deep = "{\"v\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        assertTrue(refusal(() -> post(deep).json()).startsWith("malformed JSON"));
    }

    @Test
    void aMalformedPercentEscapeInTheQueryIsABadRequest() {
        ApiException e = assertThrows(ApiException.class, () -> Router.parseQuery("key=%zz"));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().startsWith("malformed query string"), e.getMessage());
        assertEquals(Map.of("key", "a b", "x", ""), Router.parseQuery("key=a+b&x&key=second"));
    }
}
