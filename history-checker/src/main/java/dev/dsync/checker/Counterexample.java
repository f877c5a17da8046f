package dev.dsync.checker;

import java.util.List;

/**
 * Why a key is not linearizable: the longest linearizable prefix the search found, and the
 * operation that could not be placed after it (its completion came before any valid place).
 *
 * @param prefix          the prefix in linearization order with the model state after each step;
 *                        for very long prefixes only the last steps (see {@code prefixOmitted})
 * @param prefixLength    full length of the prefix
 * @param prefixOmitted   number of leading prefix steps left out of {@code prefix}
 * @param stateAtFailure  model state after the whole prefix
 * @param unplaceable     the operation that cannot be placed
 * @param leases          timed lock model: the holds after the prefix and the blocked request, with
 *                        their lease windows (empty otherwise)
 */
public record Counterexample(List<Step> prefix, int prefixLength, int prefixOmitted, String initialState,
                             String stateAtFailure, OpView unplaceable, List<LeaseWindow> leases) {

    /** One linearized operation and the model state right after it. */
    public record Step(OpView op, String stateAfter) {
    }
}
