package dev.dsync.chaos.nemesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A fault schedule drawn from a seed before the run starts, so the same seed gives the same
 * schedule. Targets that depend on the live cluster ("the leader") are resolved when the fault
 * starts and recorded in the history.
 *
 * <p>Targeted shapes are not left to the draw: every schedule first runs, in a seeded order, the
 * shapes {@link #required(String)} names for its nemesis (the leader killed, isolated while the
 * majority goes on, paused past an election timeout, its links slowed), with durations and gaps short enough that
 * all of them fit in a 20 s run whatever the seed; random faults fill the rest of the run.
 *
 * @param steps faults in start order; none overlaps the next
 */
public record Schedule(String nemesis, long seed, List<Step> steps) {

    /**
     * One fault: starts {@code startMs} after the run began and is healed {@code durationMs} later.
     * {@code pick} is a random number the fault uses to choose among nodes or links.
     */
    public record Step(long startMs, long durationMs, FaultKind kind, long pick) {
        /** The fault's family and shape, e.g. "kill/leader", so schedule.json names every shape. */
        @com.fasterxml.jackson.annotation.JsonProperty("shape")
        public String shapeName() {
            return kind.family + "/" + kind.shape;
        }
    }

    /** Shapes aimed at the current leader. */
    public static final java.util.Set<FaultKind> LEADER_SHAPES = java.util.EnumSet.of(
            FaultKind.KILL_LEADER, FaultKind.PARTITION_ISOLATE_LEADER, FaultKind.PAUSE_LEADER, FaultKind.LATENCY_LEADER);

    public static final List<String> NEMESES = List.of("none", "partition", "kill", "pause", "latency", "clock", "power", "membership",
            "mixed");

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
        List<FaultKind> first = new ArrayList<>(required(nemesis));
        java.util.Collections.shuffle(first, random);
        // It cuts the leader off link by link, which only the founders' proxies allow: before any other change.
        if (first.remove(FaultKind.MEMBERSHIP_ADD_DURING_CUT)) {
            first.add(0, FaultKind.MEMBERSHIP_ADD_DURING_CUT);
        }
        List<Step> steps = new ArrayList<>();
        long t = 1_000 + random.nextInt(1_000);
        while (!kinds.isEmpty() && steps.size() < 1_000) {
            boolean mustRun = steps.size() < first.size();
            // Required shapes: 2-3 s each, 1-1.5 s apart (4 fit in 2 + 4 * 3 + 3 * 1.5 = 18.5 s).
            long duration = mustRun ? 2_000 + random.nextInt(1_000) : 2_000 + random.nextInt(3_000);
            if (t + duration > runMs) {
                break;
            }
            FaultKind kind = mustRun ? first.get(steps.size()) : kinds.get(random.nextInt(kinds.size()));
            steps.add(new Step(t, duration, kind, random.nextLong()));
            t += duration + (mustRun ? 1_000 + random.nextInt(500) : 1_000 + random.nextInt(2_000));
        }
        return new Schedule(nemesis, seed, List.copyOf(steps));
    }

    /**
     * The shapes every schedule of {@code nemesis} contains (when the run is long enough: 20 s
     * always is): kill runs kill the leader, bring an old leader back with a longer but older log
     * when its successor dies (its election must fail), and stop a leader that hears its peers late (it
     * hands over and serves on, unaware, for that delay), partition runs isolate it while the majority keeps
     * serving, isolate a follower the same way, cut the leader off while an operator removes both
     * followers through it (two membership changes at once) and re-elect it with a tail of its old term
     * that a later leader overwrites ({@link OldTermCommit}), pause runs pause it past an election timeout and resume it under load, and once more while its
     * followers cannot reach each other, so that both ask it for votes of one term ({@link SplitVote}), latency runs
     * slow every link around it to just under a read lease's round trip and delay its answers to one
     * follower (in cache runs, one then cut off holding a copy: {@link HolderCutOff}), power runs cut every node's
     * power just after a log segment rotated ({@link AfterRotation}), and mixed runs do the first four.
     * Membership runs make every kind of change once: add (with the new node's link down until the leader
     * has been cut off: {@link JoinDuringCut}), remove a follower, remove the leader, replace; the plain
     * add is left to the random rest.
     * Mixed runs draw membership changes only in the random rest: a fifth required shape would not
     * fit in 20 s for every seed.
     */
    public static List<FaultKind> required(String nemesis) {
        return switch (nemesis) {
            case "kill" -> List.of(FaultKind.KILL_LEADER, FaultKind.KILL_STALE_LOG, FaultKind.KILL_HANDOVER_LATE);
            case "partition" -> List.of(FaultKind.PARTITION_ISOLATE_LEADER, FaultKind.PARTITION_ISOLATE_FOLLOWER,
                    FaultKind.PARTITION_REMOVE_UNREACHABLE, FaultKind.PARTITION_OLD_TERM_COMMIT);
            case "pause" -> List.of(FaultKind.PAUSE_LEADER, FaultKind.PAUSE_SPLIT_VOTE);
            case "latency" -> List.of(FaultKind.LATENCY_LEADER, FaultKind.LATENCY_ANSWERS_LATE);
            case "power" -> List.of(FaultKind.POWER_AFTER_ROTATION);
            case "membership" -> List.of(FaultKind.MEMBERSHIP_ADD_DURING_CUT, FaultKind.MEMBERSHIP_REMOVE_FOLLOWER,
                    FaultKind.MEMBERSHIP_REMOVE_LEADER, FaultKind.MEMBERSHIP_REPLACE);
            case "mixed" -> List.of(FaultKind.KILL_LEADER, FaultKind.PARTITION_ISOLATE_LEADER, FaultKind.PAUSE_LEADER,
                    FaultKind.LATENCY_LEADER);
            default -> List.of();
        };
    }
}
