package dev.dsync.chaos.nemesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A fault schedule drawn from a seed before the run starts, so the same seed gives the same
 * schedule. Targets that depend on the live cluster ("the leader") are resolved when the fault
 * starts and recorded in the history.
 *
 * @param steps faults in start order; none overlaps the next
 */
public record Schedule(String nemesis, long seed, List<Step> steps) {

    /**
     * One fault: starts {@code startMs} after the run began and is healed {@code durationMs} later.
     * {@code pick} is a random number the fault uses to choose among nodes or links.
     */
    public record Step(long startMs, long durationMs, FaultKind kind, long pick) {}

    public static final List<String> NEMESES = List.of("none", "partition", "kill", "pause", "latency", "power", "mixed");

    public static Schedule generate(String nemesis, long seed, long runMs) {
        if (!NEMESES.contains(nemesis)) {
            throw new IllegalArgumentException("unknown nemesis '" + nemesis + "'; one of " + NEMESES);
        }
        Random random = new Random(seed);
        List<FaultKind> kinds = new ArrayList<>();
        for (FaultKind k : FaultKind.values()) {
            if (nemesis.equals("mixed") || k.family.equals(nemesis)) {
                kinds.add(k);
            }
        }
        List<Step> steps = new ArrayList<>();
        long t = 1_000 + random.nextInt(1_000);
        while (!kinds.isEmpty() && steps.size() < 1_000) {
            long duration = 2_000 + random.nextInt(3_000);
            if (t + duration > runMs) {
                break;
            }
            steps.add(new Step(t, duration, kinds.get(random.nextInt(kinds.size())), random.nextLong()));
            t += duration + 1_000 + random.nextInt(2_000);
        }
        return new Schedule(nemesis, seed, List.copyOf(steps));
    }
}
