package dev.dsync.node;

import dev.dsync.raft.RaftCore;
import dev.dsync.raft.Role;

/** An immutable view of the Raft state, published by the loop for /health, metrics and routing. */
public record NodeStatus(Role role, long term, String leaderId, long commitIndex, long appliedIndex) {

    static NodeStatus of(RaftCore core, long appliedIndex, NodeStatus previous) {
        NodeStatus next = new NodeStatus(core.role(), core.term(), core.leaderId(), core.commitIndex(), appliedIndex);
        return next.equals(previous) ? previous : next;
    }
}
