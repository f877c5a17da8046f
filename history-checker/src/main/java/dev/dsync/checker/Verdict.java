package dev.dsync.checker;

import com.fasterxml.jackson.annotation.JsonValue;

/** The verdict of a check, with the CLI exit code for each. */
public enum Verdict {
    VALID(0), INVALID(1), UNKNOWN(2);

    /** Exit code for input that could not be checked at all. */
    public static final int UNUSABLE_INPUT_EXIT = 3;

    private final int exitCode;

    Verdict(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Combines per-key verdicts: any invalid key makes the whole invalid, else any unknown makes it unknown. */
    public static Verdict combine(Iterable<Verdict> verdicts) {
        Verdict v = VALID;
        for (Verdict k : verdicts) {
            if (k == INVALID) {
                return INVALID;
            }
            if (k == UNKNOWN) {
                v = UNKNOWN;
            }
        }
        return v;
    }
}
