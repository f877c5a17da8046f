package dev.dsync.node;

import dev.dsync.raft.Entry;
import dev.dsync.statemachine.SessionStateMachine;

/**
 * The node's clocks as its proposals see them: {@link #wallMs()} is the time a leader stamps on a
 * command ({@code Envelope.nowMs}), which the state machines take as "now" (the highest stamp
 * applied so far: a nacked message's {@code ready_at_ms}, informational deadlines). It is the wall
 * clock, but never behind the highest stamp this node has applied plus the monotonic time since.
 *
 * <p>Why: wall clocks may be offset by any amount (docs/architecture.md, "Clocks"). With the plain
 * wall clock, a failover to a node whose clock was behind froze command time until that clock
 * caught up with the old leader's stamps: a nack's 100 ms delay lasted the whole difference,
 * minutes under the clock nemesis. With this rule command time moves on at the new leader's
 * monotonic rate from the last stamp it applied.
 *
 * <p>Invariants: never earlier than the wall clock; never later than the latest stamp applied
 * plus the monotonic time since it was applied, or the wall clock, whichever is later (so it
 * runs no faster than some leader's clock did). Thread-safe: proposals are stamped on request
 * threads, applies happen on the Raft loop.
 */
public final class CommandClock implements NodeClock {
    private final NodeClock clock;
    private boolean anchored;
    /** The highest stamp applied, projected: {@code anchorStampMs} at monotonic {@code anchorMonotonicMs}. */
    private long anchorStampMs;
    private long anchorMonotonicMs;

    public CommandClock(NodeClock clock) {
        this.clock = clock;
    }

    @Override
    public long monotonicMs() {
        return clock.monotonicMs();
    }

    /** The command time: see the class comment. */
    @Override
    public synchronized long wallMs() {
        long wall = clock.wallMs();
        return anchored ? Math.max(wall, projected(clock.monotonicMs())) : wall;
    }

    /** A command stamped {@code stampMs} was applied on this node. */
    public synchronized void applied(long stampMs) {
        long monotonic = clock.monotonicMs();
        if (!anchored || stampMs > projected(monotonic)) {
            anchored = true;
            anchorStampMs = stampMs;
            anchorMonotonicMs = monotonic;
        }
    }

    /** After {@code machine} applied {@code entry}: takes the entry's stamp if it carried a command. */
    public void afterApply(Entry entry, SessionStateMachine machine) {
        if (!entry.isNoop() && !entry.isConfig()) {
            applied(machine.lastStampMs());
        }
    }

    private long projected(long monotonicMs) {
        return anchorStampMs + (monotonicMs - anchorMonotonicMs);
    }
}
