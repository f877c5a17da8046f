package dev.dsync.checker.history;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes an in-memory {@link History} as JSON Lines (the format {@link HistoryReader} reads). */
public final class HistoryFiles {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private HistoryFiles() {
    }

    public static void writeJsonl(History h, Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            writeJsonl(h, out);
        }
    }

    public static void writeJsonl(History h, Writer out) throws IOException {
        for (Event e : h.events()) {
            JsonGenerator g = MAPPER.createGenerator(out);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            g.writeNumberField("index", e.index());
            g.writeNumberField("time", e.time());
            if (e.isNemesis()) {
                g.writeStringField("process", "nemesis");
            } else {
                g.writeNumberField("process", e.process());
            }
            g.writeStringField("type", e.type().wireName());
            g.writeStringField("f", e.f());
            if (e.key() != null) {
                g.writeStringField("key", e.key());
            }
            g.writeFieldName("value");
            MAPPER.writeTree(g, e.value());
            if (e.node() != null) {
                g.writeStringField("node", e.node());
            }
            if (e.error() != null) {
                g.writeFieldName("error");
                MAPPER.writeTree(g, e.error());
            }
            g.writeEndObject();
            g.close();
            out.write('\n');
        }
    }
}
