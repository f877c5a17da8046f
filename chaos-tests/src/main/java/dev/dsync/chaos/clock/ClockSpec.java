package dev.dsync.chaos.clock;

import java.util.Locale;

/**
 * One node's fake clock: an offset from real time and a rate (1.0 = real speed), written to the
 * node's libfaketime control file as libfaketime's "+offset xRATE" (offset in seconds).
 *
 * <p>Both clocks the JVM reads move together: {@code System.currentTimeMillis} (CLOCK_REALTIME)
 * and {@code System.nanoTime} (CLOCK_MONOTONIC) get the same offset and rate.
 */
public record ClockSpec(long offsetMs, double rate) {
    public static final ClockSpec REAL = new ClockSpec(0, 1.0);

    public ClockSpec {
        if (!(rate > 0) || rate > 100) {
            throw new IllegalArgumentException("clock rate must be in (0, 100], not " + rate);
        }
    }

    public ClockSpec withRate(double newRate) {
        return new ClockSpec(offsetMs, newRate);
    }

    /** The control file line, with '.' decimals whatever the locale (libfaketime parses C-locale numbers). */
    public String render() {
        return String.format(Locale.ROOT, "%s%d.%03d x%.6f", offsetMs < 0 ? "-" : "+",
                Math.abs(offsetMs) / 1000, Math.abs(offsetMs) % 1000, rate);
    }

    /** How far this rate is from real time, as a fraction: 0.04 for x1.04 or x0.96. */
    public double rateError() {
        return Math.abs(rate - 1.0);
    }
}
