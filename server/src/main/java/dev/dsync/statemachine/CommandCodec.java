package dev.dsync.statemachine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
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

    private final String name;
    /** Immutable and thread-safe: built once, not per command (building one looks up its serializer). */
    private final ObjectWriter writer;
    private final ObjectReader reader;

    /** @param name what the commands are called in error messages, e.g. "lock command" */
    public CommandCodec(Class<C> type, String name) {
        this.name = name;
        this.writer = STRICT_JSON.writerFor(type);
        this.reader = STRICT_JSON.readerFor(type);
    }

    public byte[] encode(C command) {
        try {
            return writer.writeValueAsBytes(command);
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
            C command = reader.readValue(bytes);
            if (command == null) {
                throw new IllegalArgumentException("empty " + name);
            }
            return command;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("malformed " + name, e);
        }
    }
}
