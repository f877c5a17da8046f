package dev.dsync.checker.history;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Turns one decoded record (a JSON object, or an EDN map converted to JSON) into an
 * {@link Event}, rejecting missing or ill-typed fields with the line number. Unknown fields
 * are ignored so that newer writers stay readable.
 */
final class EventDecoder {
    private EventDecoder() {
    }

    /**
     * @param position 0-based event count so far, used as the index when the record has none
     */
    static Event decode(JsonNode o, int line, long position) {
        if (!o.isObject()) {
            throw new HistoryFormatException(line, "expected an object, found " + kind(o));
        }
        long index = o.has("index") ? integer(o, "index", line) : position;
        if (!o.has("time")) {
            throw new HistoryFormatException(line, "missing field 'time'");
        }
        long time = integer(o, "time", line);
        int process = process(o.get("process"), line);
        EventType type = type(o.get("type"), line);
        String f = text(o, "f", line, true);
        String key = keyOf(o.get("key"), line);
        JsonNode value = nullToJava(o.get("value"));
        String node = text(o, "node", line, false);
        JsonNode error = nullToJava(o.get("error"));
        return new Event(index, time, process, type, f, key, value, node, error, line, extra(o));
    }

    private static final java.util.Set<String> STANDARD =
            java.util.Set.of("index", "time", "process", "type", "f", "key", "value", "node", "error");

    /** The non-standard fields (kept for models that use them, such as the queue's msg_id), or null. */
    private static JsonNode extra(JsonNode o) {
        com.fasterxml.jackson.databind.node.ObjectNode out = null;
        for (var it = o.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!STANDARD.contains(e.getKey())) {
                if (out == null) {
                    out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
                }
                out.set(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    private static JsonNode nullToJava(JsonNode n) {
        return n == null || n.isNull() ? null : n;
    }

    private static long integer(JsonNode o, String field, int line) {
        JsonNode n = o.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new HistoryFormatException(line, "field '" + field + "' must be an integer, found " + kind(n));
        }
        return n.longValue();
    }

    private static int process(JsonNode n, int line) {
        if (n == null) {
            throw new HistoryFormatException(line, "missing field 'process'");
        }
        if (n.isTextual() && n.textValue().equals("nemesis")) {
            return Event.NEMESIS;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 0) {
            throw new HistoryFormatException(line, "field 'process' must be a non-negative integer or \"nemesis\", found " + n);
        }
        return n.intValue();
    }

    private static EventType type(JsonNode n, int line) {
        if (n == null) {
            throw new HistoryFormatException(line, "missing field 'type'");
        }
        EventType t = n.isTextual() ? EventType.parse(n.textValue()) : null;
        if (t == null) {
            throw new HistoryFormatException(line, "field 'type' must be one of invoke, ok, fail, info; found " + n);
        }
        return t;
    }

    private static String text(JsonNode o, String field, int line, boolean required) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw new HistoryFormatException(line, "missing field '" + field + "'");
            }
            return null;
        }
        if (!n.isTextual() || (required && n.textValue().isEmpty())) {
            throw new HistoryFormatException(line, "field '" + field + "' must be a non-empty string, found " + n);
        }
        return n.textValue();
    }

    /** Keys may be strings or numbers; numbers are keyed by their decimal text. */
    private static String keyOf(JsonNode n, int line) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isIntegralNumber()) {
            return n.asText();
        }
        throw new HistoryFormatException(line, "field 'key' must be a string or an integer, found " + kind(n));
    }

    private static String kind(JsonNode n) {
        return n == null ? "nothing" : n.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + n;
    }
}
