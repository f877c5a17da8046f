package dev.dsync.chaos.run;

import dev.dsync.chaos.nemesis.Schedule;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * What {@code make chaos} runs, from environment variables (the Makefile passes its variables
 * through): WORKLOAD, NEMESIS, DURATION (seconds), SEED, CLIENTS, CHAOS_RESULTS, CHAOS_BACKEND,
 * TOXIPROXY_URL, FULL_API, CHAOS_PARALLEL. Unset WORKLOAD or NEMESIS means the whole default matrix.
 *
 * @param fullApi FULL_API=1: the workloads also record what only the timed checker reads (lock
 *                renew, withdrawals and retries by request id; queue acks, nacks, receipts and the
 *                DLQ drain; cache write retries).
 * @param parallel CHAOS_PARALLEL: how many workloads run their nemeses at once, each on its own
 *                 cluster (default 1). The Docker backend runs one at a time: its clusters share
 *                 one Toxiproxy container's proxy ports.
 */
public record ChaosOptions(List<String> workloads, List<String> nemeses, int durationSeconds, long seed,
                           int clients, Path resultsRoot, Path serverJar, String backend, String toxiproxyUrl,
                           boolean fullApi, int parallel) {

    public static final List<String> WORKLOADS = List.of("lock", "queue", "cache");
    /** One line: scripts/mutants.sh reads the list from this declaration. */
    public static final List<String> DEFAULT_NEMESES = List.of("partition", "kill", "pause", "latency", "clock", "power", "membership", "mixed");

    public static ChaosOptions from(Function<String, String> env) {
        List<String> workloads = pick(env.apply("WORKLOAD"), WORKLOADS, WORKLOADS, "WORKLOAD");
        List<String> nemeses = pick(env.apply("NEMESIS"), Schedule.NEMESES, DEFAULT_NEMESES, "NEMESIS");
        int duration = number(env.apply("DURATION"), 20, "DURATION");
        long seed = env.apply("SEED") == null || env.apply("SEED").isBlank() ? System.currentTimeMillis() % 100_000
                : number(env.apply("SEED"), 0, "SEED");
        int clients = number(env.apply("CLIENTS"), 10, "CLIENTS");
        String backend = orDefault(env.apply("CHAOS_BACKEND"), "local").toLowerCase(Locale.ROOT);
        if (!List.of("local", "docker").contains(backend)) {
            throw new IllegalArgumentException("CHAOS_BACKEND must be local or docker, not '" + backend + "'");
        }
        return new ChaosOptions(workloads, nemeses, duration, seed, clients,
                Path.of(orDefault(env.apply("CHAOS_RESULTS"), "chaos-results")),
                Path.of(orDefault(env.apply("SERVER_JAR"), "server/target/server.jar")),
                backend, blankToNull(env.apply("TOXIPROXY_URL")), flag(env.apply("FULL_API"), "FULL_API"),
                backend.equals("docker") ? 1 : Math.max(1, number(env.apply("CHAOS_PARALLEL"), 1, "CHAOS_PARALLEL")));
    }

    private static List<String> pick(String raw, List<String> allowed, List<String> all, String name) {
        if (raw == null || raw.isBlank() || raw.equals("all")) {
            return all;
        }
        List<String> chosen = List.of(raw.split(","));
        for (String c : chosen) {
            if (!allowed.contains(c)) {
                throw new IllegalArgumentException(name + " '" + c + "' is not one of " + allowed);
            }
        }
        return chosen;
    }

    private static int number(String raw, int fallback, String name) {
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(raw.trim());
            if (n < 0) {
                throw new IllegalArgumentException(name + " must not be negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + raw + "'");
        }
    }

    private static boolean flag(String raw, String name) {
        if (raw == null || raw.isBlank()) {
            return true;
        }
        if (raw.equals("0") || raw.equalsIgnoreCase("false") || raw.equalsIgnoreCase("off")) {
            return false;
        }
        if (raw.equals("1") || raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("on")) {
            return true;
        }
        throw new IllegalArgumentException(name + " must be 1 or 0, not '" + raw + "'");
    }

    private static String orDefault(String v, String fallback) {
        return v == null || v.isBlank() ? fallback : v;
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v;
    }
}
