package dev.dsync.checker.gen;

import java.util.SplittableRandom;

/**
 * A sequential object the generator runs "for real": operations are planned at invoke time
 * and applied at a random linearization point between invoke and completion, so the produced
 * history is linearizable (or, for queues, satisfies the model) by construction.
 */
public interface SimModel {
    /** An operation to invoke. {@code client} identifies the caller for models that need it. */
    record Planned(String f, String key, Object value, String client) {
    }

    /** What the operation returned when applied: ok with a value, or fail (no effect). */
    record Applied(boolean ok, Object value) {
    }

    Planned plan(SplittableRandom r, String key, String client, long now);

    /**
     * Applies the operation at its linearization point.
     *
     * @param acknowledged false when the client will not learn the outcome (it ends as info)
     */
    Applied apply(Planned op, long now, boolean acknowledged);

    /** Operations to run after the workload ends (e.g. a final queue drain); may be empty. */
    default java.util.List<Planned> finalOps(java.util.List<String> keys) {
        return java.util.List.of();
    }
}
