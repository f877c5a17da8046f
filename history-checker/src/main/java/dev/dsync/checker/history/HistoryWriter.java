package dev.dsync.checker.history;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Appends history events as JSON Lines, safe to call from many client threads. Each event gets
 * the next index and a time read under the same lock, so lines are in index order and times
 * never decrease: the file is in the order events happened. Every line is flushed, so a history
 * survives the recording process being killed (the reader treats unfinished invokes as info).
 */
public final class HistoryWriter implements Closeable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> STANDARD_FIELDS =
            Set.of("index", "time", "process", "type", "f", "key", "value", "node", "error");
    private final Writer out;
    private final LongSupplier clock;
    private final long start;
    private long nextIndex;
    private long lastTime;

    public HistoryWriter(Writer out) {
        this(out, System::nanoTime);
    }

    /** @param clock monotonic nanoseconds; times are written relative to its first reading */
    public HistoryWriter(Writer out, LongSupplier clock) {
        this.out = out instanceof BufferedWriter ? out : new BufferedWriter(out);
        this.clock = clock;
        this.start = clock.getAsLong();
    }

    public static HistoryWriter open(Path file) throws IOException {
        return new HistoryWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    public long invoke(int process, String f, String key, Object value) {
        return append(process, EventType.INVOKE, f, key, value, null, null);
    }

    public long ok(int process, String f, String key, Object value) {
        return append(process, EventType.OK, f, key, value, null, null);
    }

    public long fail(int process, String f, String key, Object value, Object error) {
        return append(process, EventType.FAIL, f, key, value, null, error);
    }

    /** Outcome unknown: the operation may have taken effect. Do not reuse {@code process} afterwards. */
    public long info(int process, String f, String key, Object value, Object error) {
        return append(process, EventType.INFO, f, key, value, null, error);
    }

    /** A fault event, e.g. {@code nemesis(EventType.INFO, "partition", "{n1,n2} | {n3}")}. */
    public long nemesis(EventType type, String f, Object value) {
        return append(Event.NEMESIS, type, f, null, value, null, null);
    }

    /**
     * Appends one event and returns its index.
     *
     * @param node  the server node that handled it, or null
     * @param error an error description, or null
     */
    public long append(int process, EventType type, String f, String key, Object value,
                       String node, Object error) {
        return append(process, type, f, key, value, node, error, null);
    }

    /**
     * As {@link #append(int, EventType, String, String, Object, String, Object)}, plus fields of
     * the writer's own after the standard ones (e.g. whether a read was a cache hit). Readers
     * ignore them; they are for people reading the file.
     *
     * @param extra field name to value, or null; names must not be standard field names
     */
    public synchronized long append(int process, EventType type, String f, String key, Object value,
                                    String node, Object error, Map<String, ?> extra) {
        if (extra != null) {
            for (String name : extra.keySet()) {
                if (STANDARD_FIELDS.contains(name)) {
                    throw new IllegalArgumentException("extra field '" + name + "' would shadow a standard field");
                }
            }
        }
        long time = Math.max(lastTime, clock.getAsLong() - start);
        lastTime = time;
        long index = nextIndex++;
        try {
            JsonGenerator g = MAPPER.createGenerator(out);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            g.writeNumberField("index", index);
            g.writeNumberField("time", time);
            if (process == Event.NEMESIS) {
                g.writeStringField("process", "nemesis");
            } else {
                g.writeNumberField("process", process);
            }
            g.writeStringField("type", type.wireName());
            g.writeStringField("f", f);
            if (key != null) {
                g.writeStringField("key", key);
            }
            g.writeFieldName("value");
            MAPPER.writeValue(g, value);
            if (node != null) {
                g.writeStringField("node", node);
            }
            if (error != null) {
                g.writeFieldName("error");
                MAPPER.writeValue(g, error);
            }
            if (extra != null) {
                for (Map.Entry<String, ?> e : extra.entrySet()) {
                    g.writeFieldName(e.getKey());
                    MAPPER.writeValue(g, e.getValue());
                }
            }
            g.writeEndObject();
            g.flush();
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return index;
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
