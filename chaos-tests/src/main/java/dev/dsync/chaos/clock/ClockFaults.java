package dev.dsync.chaos.clock;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The {@code clock} nemesis: skew and drift within the bounds the server documents
 * (docs/architecture.md, "Clocks"): wall clocks may be offset by any amount, monotonic clocks run
 * within 2.5 % of real time and never step.
 *
 * <ul>
 *   <li>At launch every node gets its own offset, up to {@link #LAUNCH_SKEW_MS} either way.
 *   <li>{@code drift}: every node's clock gets a new rate, up to {@link #MAX_RATE_ERROR} off real
 *       time, at run time; the heal sets real speed again. The rates themselves move the clocks'
 *       offsets apart while the fault lasts.
 *   <li>{@code skew-restart}: the leader is killed and comes back at the heal with its clock
 *       stepped by {@link #MIN_STEP_MS}..{@link #MAX_STEP_MS}, ahead or behind. A live step is not
 *       offered: libfaketime would step CLOCK_MONOTONIC with it, which no real OS does and no lease
 *       survives, and a restart is how a real node gets a badly set clock. Killing the leader makes
 *       one of the others, with a different clock, take the leases over.
 * </ul>
 *
 * <p>{@link #MAX_RATE_ERROR} is 2 %, not the server's 2.5 %: the rest is margin for libfaketime,
 * whose rates {@code LibfaketimeJvmTest} checks to within 0.3 %. The tightest lease is the cache's
 * (200 ms against the leader's 211 ms): a node 2 % slow holds it 204.1 ms of real time, a leader
 * 2 % fast waits 206.9 ms.
 */
public final class ClockFaults {
    public static final double MAX_RATE_ERROR = 0.02;
    public static final long LAUNCH_SKEW_MS = 30_000;
    public static final long MIN_STEP_MS = 5_000;
    public static final long MAX_STEP_MS = 120_000;

    private final NodeClocks clocks;

    public ClockFaults(NodeClocks clocks) {
        this.clocks = clocks;
    }

    /** Before the nodes start: a different offset for each, drawn from {@code seed}. */
    public static void skewAtLaunch(NodeClocks clocks, List<String> ids, long seed) {
        Random random = new Random(seed ^ 0x5eedc10cL);
        for (String id : ids) {
            long offset = Math.round((random.nextDouble() * 2 - 1) * LAUNCH_SKEW_MS);
            clocks.set(id, new ClockSpec(offset, 1.0));
        }
    }

    /** Gives every node a new rate within the allowance; returns what it set, for the history. */
    public Map<String, Object> drift(Random pick, List<String> ids) {
        Map<String, Object> rates = new LinkedHashMap<>();
        for (String id : ids) {
            double rate = 1.0 + (pick.nextDouble() * 2 - 1) * MAX_RATE_ERROR;
            rate = Math.round(rate * 10_000) / 10_000.0;
            clocks.set(id, clocks.spec(id).withRate(rate));
            rates.put(id, rate);
        }
        return Map.of("rates", rates);
    }

    /** Steps {@code node}'s clock for its next start; returns the new offset. */
    public long stepForRestart(String node, Random pick) {
        long step = MIN_STEP_MS + (long) (pick.nextDouble() * (MAX_STEP_MS - MIN_STEP_MS));
        long offset = clocks.spec(node).offsetMs() + (pick.nextBoolean() ? step : -step);
        clocks.set(node, new ClockSpec(offset, clocks.spec(node).rate()));
        return offset;
    }

    /** Real speed again for every node that drifts; offsets stay. Returns what it changed. */
    public List<String> heal() {
        List<String> healed = new ArrayList<>();
        clocks.all().forEach((id, spec) -> {
            if (spec.rate() != 1.0) {
                clocks.set(id, spec.withRate(1.0));
                healed.add("clock rate of " + id);
            }
        });
        return healed;
    }

    /** Every node's offset and rate, for the history. */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        new java.util.TreeMap<>(clocks.all()).forEach((id, spec) ->
                out.put(id, Map.of("offset_ms", spec.offsetMs(), "rate", spec.rate())));
        return out;
    }
}
