package dev.dsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The validator wiring of OpenApiIT: answers that break the spec are caught, valid ones pass. */
class OpenApiSpecTest {
    private final OpenApiSpec spec;

    OpenApiSpecTest() throws Exception {
        spec = new OpenApiSpec(Path.of("..", "docs", "openapi.yaml"));
    }

    private JsonNode schema(String op, int status) {
        return spec.response(op, status).orElseThrow().path("content").path("application/json").path("schema");
    }

    @Test
    void aValidGrantPassesAndBrokenOnesAreCaught() {
        JsonNode grant = schema("POST /lock/acquire", 200);
        assertEquals(0, spec.validate(grant, "{\"granted\":true,\"fence\":3,\"mode\":\"X\",\"expires_at_ms\":5}").size());
        assertFalse(spec.validate(grant, "{\"granted\":true,\"fence\":3,\"mode\":\"X\"}").isEmpty(), "missing field");
        assertFalse(spec.validate(grant, "{\"granted\":true,\"fence\":\"3\",\"mode\":\"X\",\"expires_at_ms\":5}").isEmpty(), "wrong type");
        assertFalse(spec.validate(grant, "{\"granted\":true,\"fence\":3,\"mode\":\"Q\",\"expires_at_ms\":5}").isEmpty(), "bad enum via $ref");
        assertFalse(spec.validate(grant, "{\"granted\":true,\"fence\":3,\"mode\":\"X\",\"expires_at_ms\":5,\"x\":1}").isEmpty(), "undocumented field");
    }

    @Test
    void sharedErrorAnswersResolveThroughComponentResponses() {
        JsonNode badRequest = schema("POST /queue/ack", 400);
        assertTrue(spec.validate(badRequest, "{\"error\":\"field 'msg_id' is missing\"}").isEmpty());
        assertFalse(spec.validate(badRequest, "{\"message\":\"x\"}").isEmpty());
        assertTrue(spec.response("POST /queue/ack", 418).isEmpty());
    }

    @Test
    void msgIdMayBeANumberOrAStringOfDigits() {
        JsonNode ack = spec.operation("POST /queue/ack").path("requestBody").path("content").path("application/json").path("schema");
        assertTrue(spec.validate(ack, "{\"msg_id\":12}").isEmpty());
        assertTrue(spec.validate(ack, "{\"msg_id\":\"12\"}").isEmpty());
        assertFalse(spec.validate(ack, "{\"msg_id\":\"twelve\"}").isEmpty());
    }
}
