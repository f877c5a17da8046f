package dev.dsync.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a shell carries out a {@link Ready}'s persist and send steps with no more waiting than Raft
 * needs. Shared by the real node and the deterministic simulation, so the simulation checks the
 * policy production runs.
 *
 * <ul>
 *   <li>A leader's AppendRequests and SnapshotRequests may leave before its own disk write (Raft
 *       §10.2.1): they do not depend on it, and the leader counts its own copy toward commit only
 *       after {@link RaftCore#advance}. Every other message (votes, acknowledgements, vote requests
 *       that carry our own vote) waits for the write.</li>
 *   <li>Term and vote must be durable before any message that depends on them. The commit index
 *       need not be (a restarted node learns it from the leader), so a change of commit alone is
 *       held back and written with the next write that must happen anyway.</li>
 * </ul>
 * Not thread-safe; one per node, used by the thread that drives the core.
 */
public final class DurabilityPolicy {

    /**
     * What to do for one Ready: send {@code early}, then write {@code snapshot} (if any) and
     * {@code entries} with {@code hardState} (null: keep the stored one) in one fsync if {@code write},
     * then send {@code late}.
     */
    public record Plan(List<Message> early, boolean write, Snapshot snapshot, HardState hardState,
                       List<Entry> entries, List<Message> late) {}

    private HardState durable;
    private HardState heldBack;

    /** @param durable the hard state recovered from disk */
    public DurabilityPolicy(HardState durable) {
        this.durable = Objects.requireNonNull(durable);
    }

    public Plan plan(Ready ready) {
        List<Message> early = new ArrayList<>();
        List<Message> late = new ArrayList<>();
        for (Message m : ready.messages()) {
            (m instanceof Message.AppendRequest || m instanceof Message.SnapshotRequest ? early : late).add(m);
        }
        HardState next = ready.hardState();
        boolean termOrVote = next != null
                && (next.term() != durable.term() || !Objects.equals(next.votedFor(), durable.votedFor()));
        boolean write = termOrVote || !ready.entries().isEmpty() || ready.snapshot() != null;
        HardState toWrite = null;
        if (write) {
            toWrite = next != null ? next : heldBack;
        } else if (next != null) {
            heldBack = next;
        }
        return new Plan(early, write, ready.snapshot(), toWrite, ready.entries(), late);
    }

    /** The plan's write is durable (call after the fsync returned). */
    public void written(Plan plan) {
        if (plan.write()) {
            if (plan.hardState() != null) {
                durable = plan.hardState();
            }
            heldBack = null;
        }
    }
}
