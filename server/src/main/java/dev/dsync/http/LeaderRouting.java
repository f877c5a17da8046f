package dev.dsync.http;

/**
 * The rule for a request to a {@link Route.Where#LEADER} route: the leader serves it, a follower
 * passes it on to the leader in one hop, and it is refused (503, certainly not done) when no leader
 * is known or when it was passed on once already (leadership moved while it travelled; a second hop
 * could chase a leader forever). {@link Router} applies it to HTTP requests; the simulation applies
 * it to its clients' requests, so both follow one rule.
 */
public final class LeaderRouting {
    private LeaderRouting() {}

    /**
     * Null when this node serves the request itself; otherwise the id of the leader to forward it to.
     *
     * @param forwardedBy the node that forwarded the request here, or null if a client sent it
     */
    public static String forwardTarget(boolean isLeader, String leaderId, String forwardedBy) {
        if (isLeader) {
            return null;
        }
        if (leaderId == null) {
            throw new ApiException(503, Router.errorWithLeader("no leader elected; retry shortly", null));
        }
        if (forwardedBy != null) {
            throw new ApiException(503, Router.errorWithLeader("not the leader (forwarded here by " + forwardedBy + ")", leaderId));
        }
        return leaderId;
    }
}
