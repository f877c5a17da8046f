package dev.dsync.node;

import dev.dsync.raft.Membership;
import dev.dsync.raft.RaftCore;
import dev.dsync.raft.Role;

/**
 * An immutable view of the Raft state, published by the loop for /health, metrics and routing.
 * {@code snapshotIndex} is the last entry compacted into this node's snapshot (its log starts after it);
 * {@code lastIndex} is the last entry of this node's log, committed or not; {@code membership} is the
 * configuration in force at this node.
 */
public record NodeStatus(Role role, long term, String leaderId, long snapshotIndex, long lastIndex, long commitIndex, long appliedIndex, Membership membership) {

    /** The view of {@code core} now; {@code previous} itself if nothing changed (so readers can compare references). */
    public static NodeStatus of(RaftCore core, long appliedIndex, NodeStatus previous) {
        NodeStatus next = new NodeStatus(core.role(), core.term(), core.leaderId(), core.firstIndex() - 1, core.lastIndex(), core.commitIndex(), appliedIndex,
                core.membership());
        return next.equals(previous) ? previous : next;
    }
}
