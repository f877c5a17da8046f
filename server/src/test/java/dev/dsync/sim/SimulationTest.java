package dev.dsync.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The deterministic simulation: seeds 0..N-1 (N = {@code -Dsim.seeds}, default 2000), on every core
 * (summed up in seed order, see {@link #runAll}), or the one seed {@code -Dsim.seed}. The seed's residue mod 3 picks the service: 0 lock, 1 queue, 2 cache. A
 * failing seed replays exactly with {@code make sim SEED=<seed>}; add {@code -Dsim.verbose=true} to
 * print its events. A run prints its trace hash (of one seed, or over every seed's in order): the
 * same seeds give the same hash, which {@link #sameSeedGivesTheSameRun} checks for a seed of each service.
 */
class SimulationTest {
    private static final int DEFAULT_SEEDS = 2000;
    /**
     * The simulation tears unsynced writes on purpose; the store's warning for every torn tail it
     * cuts off at start would bury the summary. Quieted for this class only: the storage tests that
     * run in the same JVM check those warnings. (Held here: the logging framework keeps loggers weakly.)
     */
    private static final java.util.logging.Logger STORAGE_LOG = java.util.logging.Logger.getLogger("dev.dsync.storage");
    private static java.util.logging.Level storageLevel;

    @org.junit.jupiter.api.BeforeAll
    static void quietStorageWarnings() {
        storageLevel = STORAGE_LOG.getLevel();
        STORAGE_LOG.setLevel(java.util.logging.Level.SEVERE);
    }

    @org.junit.jupiter.api.AfterAll
    static void restoreStorageWarnings() {
        STORAGE_LOG.setLevel(storageLevel);
    }

    @Test
    void seeds() {
        String one = property("sim.seed");
        boolean verbose = Boolean.parseBoolean(property("sim.verbose"));
        long first = 0;
        long count = property("sim.seeds") == null ? DEFAULT_SEEDS : Long.parseLong(property("sim.seeds"));
        if (one != null) {
            first = Long.parseLong(one);
            count = 1;
        }
        long started = System.nanoTime();
        long events = 0;
        long committed = 0;
        long crashes = 0;
        long leaders = 0;
        long reads = 0;
        long digestComparisons = 0;
        long membershipSeeds = 0;
        long configsCommitted = 0;
        Map<String, Long> seedsPerService = new TreeMap<>(Map.of("lock", 0L, "queue", 0L, "cache", 0L));
        Map<String, Long> nanosPerService = new TreeMap<>();
        Map<String, Long> serviceStats = new TreeMap<>();
        Map<String, Long> worldStats = new TreeMap<>();
        TraceHash runHash = new TraceHash(); // over every seed's trace hash, in seed order: equal runs, equal hashes
        List<Outcome> outcomes = runAll(first, count, verbose);
        for (Outcome outcome : outcomes) {
            if (outcome.failure() != null) {
                long seed = outcome.seed();
                System.out.println("SIMULATION FAILED at seed " + seed + ": " + outcome.failure());
                System.out.println("replay: make sim SEED=" + seed);
                throw new AssertionError("simulation seed " + seed + " failed: " + outcome.failure().getMessage()
                        + "\nreplay: make sim SEED=" + seed, outcome.failure());
            }
            Simulation.Result result = outcome.result();
            if (result == null) {
                throw new AssertionError("seed " + outcome.seed() + " was skipped although no lower seed failed");
            }
            if (count == 1) {
                System.out.printf("seed %d: trace hash %016x%n", outcome.seed(), result.traceHash());
            }
            runHash.add(result.traceHash());
            events += result.events();
            committed += result.committed();
            crashes += result.crashes();
            leaders += result.leaderChanges();
            reads += result.reads();
            digestComparisons += result.digestComparisons();
            membershipSeeds += result.membershipChanges() ? 1 : 0;
            configsCommitted += result.configsCommitted();
            seedsPerService.merge(result.service(), 1L, Long::sum);
            nanosPerService.merge(result.service(), outcome.nanos(), Long::sum);
            result.serviceStats().forEach((name, n) -> serviceStats.merge(result.service() + "." + name, n, Long::sum));
            result.worldStats().forEach((name, n) -> worldStats.merge(name, n, Long::sum));
        }
        System.out.printf("simulation: %d seeds from %d (%d lock, %d queue, %d cache) in %.1fs (%s): %d events, %d entries committed,"
                        + " %d leaders elected, %d crashes, %d reads confirmed, %d state digests equal at equal indexes,"
                        + " %d membership changes committed in %d seeds; trace hash %016x%n",
                count, first, seedsPerService.get("lock"), seedsPerService.get("queue"), seedsPerService.get("cache"),
                (System.nanoTime() - started) / 1e9, seconds(nanosPerService), events, committed, leaders, crashes, reads, digestComparisons,
                configsCommitted, membershipSeeds, runHash.value());
        if (!serviceStats.isEmpty()) {
            System.out.println("services: " + serviceStats);
        }
        System.out.println("world: " + worldStats);
    }

    /** A seed's run: its result, or its failure, or neither when it was skipped (a lower seed failed). */
    private record Outcome(long seed, Simulation.Result result, Throwable failure, long nanos) {}

    /**
     * Runs the seeds on every core (each simulation is a world of its own: its own clock, randomness,
     * network and disks), and returns their outcomes in seed order, so that the summary, the run's
     * hash and the seed a failure names are the same as one after the other. Verbose runs print their
     * events, so they run one after the other.
     */
    private static List<Outcome> runAll(long first, long count, boolean verbose) {
        int threads = verbose ? 1 : Math.max(1, Runtime.getRuntime().availableProcessors());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        // Seeds above a failed one are skipped: never the lowest failing seed, nor one below it.
        AtomicLong lowestFailed = new AtomicLong(Long.MAX_VALUE);
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (long seed = first; seed < first + count; seed++) {
                long s = seed;
                futures.add(pool.submit(() -> {
                    if (s > lowestFailed.get()) {
                        return new Outcome(s, null, null, 0);
                    }
                    long started = System.nanoTime();
                    try {
                        return new Outcome(s, new Simulation(s, verbose).run(), null, System.nanoTime() - started);
                    } catch (Throwable t) {
                        lowestFailed.accumulateAndGet(s, Math::min);
                        return new Outcome(s, null, t, System.nanoTime() - started);
                    }
                }));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> future : futures) {
                outcomes.add(future.get());
            }
            return outcomes;
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError("simulation interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void sameSeedGivesTheSameRun() {
        for (long seed : new long[] {3, 1234, 5}) { // lock, queue, cache
            long a = new Simulation(seed, false).run().traceHash();
            long b = new Simulation(seed, false).run().traceHash();
            assertEquals(a, b, "seed " + seed + " is not deterministic");
        }
    }

    private static String seconds(Map<String, Long> nanosPerService) {
        StringBuilder text = new StringBuilder();
        nanosPerService.forEach((service, nanos) -> text.append(text.isEmpty() ? "" : ", ").append(service)
                .append(String.format(" %.1fs", nanos / 1e9)));
        return text.toString();
    }

    /** A Maven property left unset arrives as an empty string (or the unexpanded expression). */
    private static String property(String name) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() || value.startsWith("${") ? null : value.trim();
    }
}
