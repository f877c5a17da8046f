package dev.dsync.raft;

/**
 * A leader's handling of membership change requests: which it refuses, and when. The rules are the
 * single-server ones (dissertation §4.1, with the fix of its erratum): one change at a time, and
 * none before the leader has committed an entry of its own term. And a removal only when a majority
 * of the configuration it leaves has acknowledged an entry of the leader's term: a configuration takes
 * effect when appended, so a removal that leaves a majority needing a voter this leader has not heard
 * from since it was elected stops every commit until that voter answers; if it never does, no node
 * can be elected either (the chaos bench saw a cluster stay leaderless so; etcd refuses such changes
 * too, its strict reconfiguration check).
 * The change itself is appended by {@link Replication#appendConfig}.
 */
final class MembershipRequests {
    private final RaftCore core;

    MembershipRequests(RaftCore core) {
        this.core = core;
    }

    /** Adds {@code node} as a learner; the leader promotes it to voter once it has caught up. */
    long addLearner(String node, String address) throws RaftCore.NotLeaderException, RaftCore.MembershipChangeException {
        checkLeader();
        if (core.membership().contains(node)) {
            throw new RaftCore.MembershipChangeException(node + " is already a member (" + core.membership() + ")", false);
        }
        checkNoChangeInProgress();
        return core.replication.appendConfig(core.membership().withLearner(node, address));
    }

    /**
     * Removes {@code node}. The leader does not remove itself: it hands leadership to the most up to
     * date voter and refuses, so that the caller asks the new leader (which then removes this node).
     */
    long removeMember(String node) throws RaftCore.NotLeaderException, RaftCore.MembershipChangeException {
        checkLeader();
        Membership current = core.membership();
        if (!current.contains(node)) {
            throw new RaftCore.MembershipChangeException(node + " is not a member (" + current + ")", false);
        }
        if (current.isVoter(node) && current.voters().size() == 1) {
            throw new RaftCore.MembershipChangeException("cannot remove " + node + ": it is the last voter", false);
        }
        checkNoChangeInProgress();
        if (node.equals(core.id)) {
            String heir = core.replication.bestTransferTarget();
            if (heir != null) {
                core.replication.transferTo(heir);
            }
            throw new RaftCore.NotLeaderException("this node is the leader: it hands leadership to "
                    + (heir == null ? "a caught-up voter" : heir) + " first; ask the new leader", null);
        }
        Membership next = current.without(node);
        String unready = core.replication.whyNotReadyFor(next);
        if (unready != null) {
            throw new RaftCore.MembershipChangeException("cannot remove " + node + " yet: " + unready, true);
        }
        return core.replication.appendConfig(next);
    }

    private void checkLeader() throws RaftCore.NotLeaderException {
        if (core.role != Role.LEADER) {
            throw new RaftCore.NotLeaderException(core.leaderId);
        }
        if (core.replication.transferTarget() != null) {
            throw new RaftCore.NotLeaderException(null);
        }
    }

    /** The single-server rules (dissertation §4.1, and the fix of §4.1's erratum): one change at a time. */
    private void checkNoChangeInProgress() throws RaftCore.MembershipChangeException {
        String busy = core.replication.whyNoMembershipChange();
        if (busy != null) {
            throw new RaftCore.MembershipChangeException(busy, true);
        }
    }
}
