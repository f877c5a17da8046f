package dev.dsync.statemachine;

import java.util.function.Consumer;

/**
 * Drives a service state machine as the log would in unit tests: strictly increasing indexes, a
 * controllable clock, and the service's invariants checked after every apply.
 */
public class LogDriver<S extends StateMachine> {
    public S sm;
    public long index;
    public long nowMs = 1_000_000;
    private final Consumer<S> invariants;

    protected LogDriver(S sm, Consumer<S> invariants) {
        this.sm = sm;
        this.invariants = invariants;
    }

    /** Applies encoded command bytes at the next index, then checks the invariants. */
    public ApplyResult raw(byte[] command) {
        index++;
        ApplyResult result = sm.apply(index, nowMs, command);
        invariants.accept(sm);
        return result;
    }
}
