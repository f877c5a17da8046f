package dev.dsync.checker.history;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One line of a history. {@code process} is a client id, or {@link #NEMESIS} for fault events.
 * {@code line} is the 1-based line in the source file (0 when the event was built in memory),
 * kept so that semantic errors found later can still point at the input. {@code extra} holds the
 * fields outside the standard ones (as an object), or null when there are none.
 */
public record Event(long index, long time, int process, EventType type, String f, String key,
                    JsonNode value, String node, JsonNode error, int line, JsonNode extra) {

    public Event(long index, long time, int process, EventType type, String f, String key,
                 JsonNode value, String node, JsonNode error, int line) {
        this(index, time, process, type, f, key, value, node, error, line, null);
    }

    /** An extra field of this event (such as {@code msg_id}), or null. */
    public JsonNode extra(String name) {
        JsonNode v = extra == null ? null : extra.get(name);
        return v == null || v.isNull() ? null : v;
    }

    /** Process id used for the nemesis; client ids are never negative. */
    public static final int NEMESIS = -1;

    public boolean isNemesis() {
        return process == NEMESIS;
    }
}
