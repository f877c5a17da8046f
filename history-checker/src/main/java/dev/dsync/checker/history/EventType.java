package dev.dsync.checker.history;

/** The four event types of a history line. */
public enum EventType {
    INVOKE, OK, FAIL, INFO;

    /** Parses the wire name ("invoke", "ok", "fail", "info"), or returns null if unknown. */
    public static EventType parse(String s) {
        return switch (s) {
            case "invoke" -> INVOKE;
            case "ok" -> OK;
            case "fail" -> FAIL;
            case "info" -> INFO;
            default -> null;
        };
    }

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
