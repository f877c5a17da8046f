package dev.dsync.checker.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a history in memory, one event at a time, in the order events happened (for tests,
 * generators and simulations). Times default to 1 ms after the previous event unless set with {@link #at}.
 * Values are converted with Jackson, so numbers, strings, lists and maps all work.
 */
public final class HistoryBuilder {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final List<Event> events = new ArrayList<>();
    private long nextTime = -1;
    private long lastTime = -1;

    /** Sets the time (ns) of the next event; it must not be before the previous one. */
    public HistoryBuilder at(long nanos) {
        nextTime = nanos;
        return this;
    }

    public HistoryBuilder invoke(int process, String f, String key, Object value) {
        return add(process, EventType.INVOKE, f, key, value, null);
    }

    public HistoryBuilder ok(int process, String f, String key, Object value) {
        return add(process, EventType.OK, f, key, value, null);
    }

    public HistoryBuilder fail(int process, String f, String key, Object value) {
        return add(process, EventType.FAIL, f, key, value, null);
    }

    public HistoryBuilder info(int process, String f, String key, Object value) {
        return add(process, EventType.INFO, f, key, value, null);
    }

    public HistoryBuilder nemesis(EventType type, String f, Object value) {
        return add(Event.NEMESIS, type, f, null, value, null);
    }

    public HistoryBuilder add(int process, EventType type, String f, String key, Object value, Object error) {
        return add(process, type, f, key, value, error, null);
    }

    /** As {@link #add(int, EventType, String, String, Object, Object)} with extra top-level fields (or null). */
    public HistoryBuilder add(int process, EventType type, String f, String key, Object value, Object error,
                              java.util.Map<String, ?> extra) {
        long t = nextTime >= 0 ? nextTime : lastTime < 0 ? 0 : lastTime + 1_000_000L;
        if (t < lastTime) {
            throw new IllegalArgumentException("time " + t + " is before the previous event's " + lastTime);
        }
        lastTime = t;
        nextTime = -1;
        events.add(new Event(events.size(), t, process, type, f, key, json(value), null, json(error), events.size() + 1,
                extra == null || extra.isEmpty() ? null : json(extra)));
        return this;
    }

    public int size() {
        return events.size();
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    public History build() {
        return History.of(events);
    }

    private static JsonNode json(Object v) {
        if (v == null) {
            return null;
        }
        JsonNode n = v instanceof JsonNode j ? j : MAPPER.valueToTree(v);
        return n.isNull() ? null : n;
    }
}
