package dev.dsync.checker;

import java.util.Locale;

/**
 * How the rw-lock model treats lease expiry (see docs/checker.md).
 *
 * <p>{@code UNTIMED}: any lease may expire at any instant. {@code TIMED}: a hold may end without a
 * release only once its lease has surely run out, judged from the history's times, the acquires'
 * and renews' {@code ttl_ms} and the drift allowance rho. {@code AUTO} picks TIMED when some
 * acquire in the history carries {@code ttl_ms}, else UNTIMED.
 */
public enum LeaseModel {
    AUTO, TIMED, UNTIMED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code auto}, {@code timed} or {@code untimed}. */
    public static LeaseModel parse(String s) {
        for (LeaseModel m : values()) {
            if (m.wireName().equals(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("lease model must be timed, untimed or auto, got '" + s + "'");
    }
}
