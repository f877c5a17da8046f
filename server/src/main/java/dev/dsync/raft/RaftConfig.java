package dev.dsync.raft;

import java.util.List;

/**
 * Static cluster configuration. Times are in ticks; the shell decides how long a tick is.
 *
 * @param id               this node's id, one of {@code voters}
 * @param voters           every member of the cluster including this node
 * @param electionTicks    base election timeout; the actual timeout is random in [e, 2e)
 * @param heartbeatTicks   leader heartbeat interval; must be well below electionTicks
 * @param maxEntriesPerAppend cap on entries in one AppendRequest
 * @param maxInflightAppends  appends sent to one follower and not yet acknowledged before the leader waits
 */
public record RaftConfig(String id, List<String> voters, int electionTicks, int heartbeatTicks,
                         int maxEntriesPerAppend, int maxInflightAppends, boolean preVote, boolean checkQuorum) {
    public RaftConfig {
        voters = List.copyOf(voters);
        if (!voters.contains(id)) {
            throw new IllegalArgumentException("node id " + id + " is not among the voters " + voters);
        }
        if (heartbeatTicks < 1 || electionTicks <= heartbeatTicks) {
            throw new IllegalArgumentException("need 1 <= heartbeatTicks < electionTicks");
        }
        if (maxEntriesPerAppend < 1 || maxInflightAppends < 1) {
            throw new IllegalArgumentException("maxEntriesPerAppend and maxInflightAppends must be >= 1");
        }
    }

    public static RaftConfig defaults(String id, List<String> voters) {
        return new RaftConfig(id, voters, 10, 1, 256, 8, true, true);
    }

    public int quorum() {
        return voters.size() / 2 + 1;
    }
}
