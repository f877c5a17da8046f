package dev.dsync.checker.linear;

/**
 * A sequential specification compiled for one key: states are encoded as longs so that the
 * search can memoize and hash them cheaply, and operations are referred to by their index in
 * the {@link KeyProblem}.
 */
public interface SequentialSpec {
    /** Returned by {@link #step} when the operation cannot take effect in that state. Never a valid state. */
    long INVALID = Long.MIN_VALUE;

    long initialState();

    /**
     * Applies operation {@code op} to {@code state}: the new state if the operation, with the
     * result it reported (if any), is allowed there, otherwise {@link #INVALID}. Must be pure.
     */
    long step(long state, int op);

    /** Human-readable rendering of a state, for reports. */
    String describeState(long state);

    /**
     * Lease windows to draw for a counterexample: the holds current after {@code prefix} (which
     * ends in {@code state}) and the request of the unplaceable operation {@code blocking} (-1 if
     * none). Only timed lock models have any.
     */
    default java.util.List<dev.dsync.checker.LeaseWindow> leaseWindows(int[] prefix, long state, int blocking) {
        return java.util.List.of();
    }
}
