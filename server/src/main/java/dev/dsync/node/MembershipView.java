package dev.dsync.node;

import dev.dsync.http.ApiException;
import dev.dsync.raft.Membership;

/**
 * The configuration this node has in force, as the Raft loop last published it for /health,
 * metrics and the refusal of service requests: an immutable value, read from any thread.
 *
 * @param configuration  the latest configuration in this node's log, committed or not
 * @param removed        this node was a member once and the configuration no longer names it
 * @param changesApplied configuration entries this process applied (committed changes seen)
 */
public record MembershipView(Membership configuration, boolean removed, long changesApplied) {

    /** The answer a removed node gives to every service request (it may hold a stale state), or null while it serves. */
    public ApiException serviceRefusal() {
        return removed ? new ApiException(410, "this node was removed from the cluster") : null;
    }

    /** "voter", "learner", or null for an id the configuration does not name. */
    public String roleOf(String id) {
        return configuration.isVoter(id) ? "voter" : configuration.isLearner(id) ? "learner" : null;
    }
}
