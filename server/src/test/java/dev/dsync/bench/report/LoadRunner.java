package dev.dsync.bench.report;

import dev.dsync.bench.report.Results.Trial;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Closed-loop load: each client thread sends one request, waits for the answer, and sends the next.
 * A trial is a warm-up (not recorded) followed by a measured window; every thread stops at the end
 * of the window or after {@value #MAX_OPS_PER_CLIENT} operations, whichever comes first.
 */
final class LoadRunner {
    static final int MAX_OPS_PER_CLIENT = 1_000_000;

    /** One operation of client {@code client}; {@code seq} counts that client's operations from 0. */
    @FunctionalInterface
    interface Op {
        Outcome run(int client, long seq) throws Exception;
    }

    /** Whether the operation did what it should; {@code hit} is for cache gets (else false). */
    record Outcome(boolean ok, boolean hit, String error) {
        static final Outcome OK = new Outcome(true, false, null);
        static final Outcome HIT = new Outcome(true, true, null);

        static Outcome of(Http.Answer a, String what) {
            return a.ok() ? OK : new Outcome(false, false, what + " answered " + a.status() + " " + abbreviate(a.body()));
        }
    }

    private LoadRunner() {
    }

    /** Runs {@code clients} clients for {@code warmup} (discarded) then {@code window} (measured). */
    static Trial run(int clients, Duration warmup, Duration window, boolean countHits, Op op) throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + window.toNanos();
        Recorder[] recorders = new Recorder[clients];
        AtomicLong lastFinish = new AtomicLong(measureFrom);
        AtomicReference<String> firstError = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Recorder rec = recorders[c] = new Recorder();
            threads.add(Thread.ofPlatform().name("load-" + c).start(() -> {
                long seq = 0;
                while (seq < MAX_OPS_PER_CLIENT) {
                    long t0 = System.nanoTime();
                    if (t0 >= end) {
                        break;
                    }
                    Outcome outcome;
                    try {
                        outcome = op.run(client, seq++);
                    } catch (Exception e) {
                        outcome = new Outcome(false, false, e.getClass().getSimpleName() + ": " + abbreviate(String.valueOf(e.getMessage())));
                    }
                    long t1 = System.nanoTime();
                    if (t0 >= measureFrom) {
                        rec.record(t1 - t0, outcome);
                        if (!outcome.ok()) {
                            firstError.compareAndSet(null, outcome.error());
                        }
                    }
                }
                lastFinish.accumulateAndGet(System.nanoTime(), Math::max);
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return summarize(clients, recorders, (lastFinish.get() - measureFrom) / 1e9, countHits, firstError.get());
    }

    static Trial summarize(int clients, Recorder[] recorders, double seconds, boolean countHits, String firstError) {
        int total = Arrays.stream(recorders).mapToInt(r -> r.count).sum();
        long[] all = new long[total];
        int at = 0;
        long errors = 0;
        long hits = 0;
        for (Recorder r : recorders) {
            System.arraycopy(r.nanos, 0, all, at, r.count);
            at += r.count;
            errors += r.errors;
            hits += r.hits;
        }
        Arrays.sort(all);
        double p50 = total == 0 ? Double.NaN : round(Percentiles.ms(all, 0.50), 3);
        double p99 = total == 0 ? Double.NaN : round(Percentiles.ms(all, 0.99), 3);
        Double hitRatio = countHits && total > 0 ? round((double) hits / total, 4) : null;
        return new Trial(clients, total, errors, round(seconds, 3), round(total / seconds, 1), p50, p99, hitRatio, firstError);
    }

    /** One client's successful latencies, its errors and hits. Used by its own thread only. */
    static final class Recorder {
        long[] nanos = new long[4096];
        int count;
        long errors;
        long hits;

        void record(long latencyNanos, Outcome outcome) {
            if (!outcome.ok()) {
                errors++;
                return;
            }
            if (count == nanos.length) {
                nanos = Arrays.copyOf(nanos, count * 2);
            }
            nanos[count++] = latencyNanos;
            if (outcome.hit()) {
                hits++;
            }
        }
    }

    static double round(double v, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() <= 160 ? one : one.substring(0, 160) + "...";
    }
}
