package dev.dsync.statemachine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * JSON encoding of a service's sealed command type (its subtypes named by an {@code "op"}
 * property). Strict on input — every field present, nothing unknown, no nulls for numbers — so a
 * decoded command is always well formed, on every replica alike.
 */
public final class CommandCodec<C> {
    /** The strict mapper, also for the services' snapshot images. */
    public static final ObjectMapper STRICT_JSON = new ObjectMapper(JsonFactories.pooled())
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Class<C> type;
    private final String name;

    /** @param name what the commands are called in error messages, e.g. "lock command" */
    public CommandCodec(Class<C> type, String name) {
        this.type = type;
        this.name = name;
    }

    public byte[] encode(C command) {
        try {
            return STRICT_JSON.writerFor(type).writeValueAsBytes(command);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + command, e);
        }
    }

    /** @throws IllegalArgumentException if the bytes are not a valid command */
    public C decode(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("null " + name);
        }
        try {
            C command = STRICT_JSON.readValue(bytes, type);
            if (command == null) {
                throw new IllegalArgumentException("empty " + name);
            }
            return command;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("malformed " + name, e);
        }
    }
}
