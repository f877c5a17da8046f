package dev.dsync.node;

import dev.dsync.raft.RaftCore;
import dev.dsync.raft.Role;
import dev.dsync.statemachine.Envelope;

/**
 * When a leader proposes its service's own commands ({@link ServiceModule#leaderDuties}: lease
 * expiry, drop-node): at most every {@link #INTERVAL_MS} on its monotonic clock while it leads,
 * and only once the last duty entry it proposed has been applied, so a slow commit never piles up
 * duplicates. One implementation for the node's Raft loop and the simulation; loop-confined.
 *
 * <p>The wait ends too when that entry is gone from the log (overwritten by another leader, or
 * discarded with the log for a leader's snapshot): otherwise a leader that lost its duty entry and
 * leads again over a shorter log waits for an index nothing may ever fill (the simulation found a
 * queue whose consumers only polled stall so, its expired deliveries never redelivered).
 */
public final class LeaderDuties {
    static final long INTERVAL_MS = 100;

    private long inFlightIndex = -1;
    private long inFlightTerm;
    private long nextAtMs = Long.MIN_VALUE;

    /** One turn of the loop: proposes the service's duties if they are due. */
    public void run(RaftCore core, ServiceModule service, long appliedIndex, NodeClock clock) {
        long monotonicMs = clock.monotonicMs();
        if (core.role() != Role.LEADER || monotonicMs < nextAtMs) {
            return;
        }
        nextAtMs = monotonicMs + INTERVAL_MS;
        if (inFlightIndex > appliedIndex && core.termAt(inFlightIndex) == inFlightTerm) {
            return;
        }
        // Services decide expiry on the monotonic clock; the wall clock only stamps the entry, as every proposal's is.
        for (byte[] command : service.leaderDuties(monotonicMs)) {
            try {
                inFlightIndex = core.propose(new Envelope(clock.wallMs(), null, null, command).encode());
                inFlightTerm = core.term();
            } catch (RaftCore.NotLeaderException e) {
                return;
            }
        }
    }

    /** Entry {@code index} was applied. */
    public void onApplied(long index) {
        if (index == inFlightIndex) {
            inFlightIndex = -1;
        }
    }
}
