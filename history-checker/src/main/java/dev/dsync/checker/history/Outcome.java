package dev.dsync.checker.history;

/** How a client operation ended: it happened, it certainly did not, or unknown (info, or never completed). */
public enum Outcome {
    OK, FAIL, INFO;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
