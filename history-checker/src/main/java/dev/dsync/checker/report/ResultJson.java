package dev.dsync.checker.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.dsync.checker.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine-readable result ({@code result.json}). */
public final class ResultJson {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultJson() {
    }

    public static String toJson(Result r) {
        try {
            return PRETTY.writeValueAsString(r);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("result is always serializable", e);
        }
    }

    public static void write(Result r, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, toJson(r) + "\n");
    }
}
