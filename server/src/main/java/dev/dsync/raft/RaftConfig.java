package dev.dsync.raft;

import java.util.List;

/**
 * A node's Raft settings. Times are in ticks; the shell decides how long a tick is.
 *
 * @param id               this node's id
 * @param bootstrap        the configuration in force until the log or a snapshot records one: the
 *                         fixed member list a cluster is first started with (this node a voter of
 *                         it), or {@link Membership#EMPTY} for a node that joins a running cluster
 *                         and learns its configuration from the leader
 * @param electionTicks    base election timeout; the actual timeout is random in [e, 2e)
 * @param heartbeatTicks   leader heartbeat interval; must be well below electionTicks
 * @param maxEntriesPerAppend cap on entries in one AppendRequest
 * @param maxInflightAppends  appends sent to one follower and not yet acknowledged before the leader waits
 */
public record RaftConfig(String id, Membership bootstrap, int electionTicks, int heartbeatTicks,
                         int maxEntriesPerAppend, int maxInflightAppends, boolean preVote, boolean checkQuorum) {
    public RaftConfig {
        if (!bootstrap.equals(Membership.EMPTY) && !bootstrap.isVoter(id)) {
            throw new IllegalArgumentException("node id " + id + " is not among the voters " + bootstrap.voters().keySet());
        }
        if (heartbeatTicks < 1 || electionTicks <= heartbeatTicks) {
            throw new IllegalArgumentException("need 1 <= heartbeatTicks < electionTicks");
        }
        if (maxEntriesPerAppend < 1 || maxInflightAppends < 1) {
            throw new IllegalArgumentException("maxEntriesPerAppend and maxInflightAppends must be >= 1");
        }
    }

    /** A fixed member list, every one a voter, with no addresses. */
    public RaftConfig(String id, List<String> voters, int electionTicks, int heartbeatTicks,
                      int maxEntriesPerAppend, int maxInflightAppends, boolean preVote, boolean checkQuorum) {
        this(id, Membership.ofVoters(voters), electionTicks, heartbeatTicks, maxEntriesPerAppend, maxInflightAppends,
                preVote, checkQuorum);
    }

    public static RaftConfig defaults(String id, List<String> voters) {
        return new RaftConfig(id, voters, 10, 1, 256, 8, true, true);
    }
}
