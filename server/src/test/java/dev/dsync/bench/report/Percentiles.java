package dev.dsync.bench.report;

import java.util.Arrays;

/** Nearest-rank percentiles of latencies recorded in nanoseconds. Pure. */
final class Percentiles {
    private Percentiles() {
    }

    /**
     * The nearest-rank {@code p}-quantile (0 < p <= 1) of {@code sortedNanos}: the smallest value
     * such that at least {@code p} of all values are at or below it, in milliseconds.
     *
     * @throws IllegalArgumentException if there are no values or p is outside (0, 1]
     */
    static double ms(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            throw new IllegalArgumentException("no latencies recorded");
        }
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("percentile must be in (0, 1], not " + p);
        }
        int rank = (int) Math.ceil(p * sortedNanos.length); // 1-based
        return sortedNanos[Math.max(1, rank) - 1] / 1e6;
    }

    /** The median of a list of measurements (the mean of the middle two for an even count). */
    static double median(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int mid = s.length / 2;
        return s.length % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
    }
}
