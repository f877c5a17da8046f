package dev.dsync.raft;

import java.util.HashSet;
import java.util.Set;

/**
 * Leader election (Raft §5.2), with the PreVote round and the CheckQuorum lease of the
 * dissertation §9.6: a node first asks whether it could win (without touching any term), and a
 * node that heard from a live leader within the election timeout refuses to help unseat it.
 *
 * <p>Votes are tallied for one round at a time; a new round (or any role change) starts afresh.
 */
final class Elections {
    private final RaftCore core;
    private final Set<String> granted = new HashSet<>();
    private final Set<String> rejected = new HashSet<>();

    Elections(RaftCore core) {
        this.core = core;
    }

    /** CheckQuorum lease: we know a leader and heard from it within the (unrandomized) timeout. */
    boolean inLease() {
        return core.config.checkQuorum() && core.leaderId != null
                && core.electionElapsed < core.config.electionTicks();
    }

    /**
     * Starts a PreVote round if {@code preVote}, else a real election at the next term.
     * {@code transfer} marks an election the leader asked for (TimeoutNow): voters then ignore
     * their lease.
     */
    void campaign(boolean preVote, boolean transfer) {
        granted.clear();
        rejected.clear();
        long voteTerm;
        if (preVote) {
            core.becomePreCandidate();
            voteTerm = core.term + 1;
        } else {
            core.becomeCandidate();
            voteTerm = core.term;
        }
        granted.add(core.id);
        if (votes(granted) >= core.membership().quorum()) {
            won(preVote);
            return;
        }
        for (String peer : core.voterPeers()) {
            core.send(new Message.VoteRequest(core.id, peer, voteTerm, core.log.lastIndex(), core.log.lastTerm(),
                    preVote, transfer));
        }
    }

    /**
     * Only voters of our configuration count. A node votes whenever asked, learner or not: it may
     * have been promoted in the candidate's log before its own log shows it.
     */
    private long votes(Set<String> from) {
        return from.stream().filter(core.membership()::isVoter).count();
    }

    private void won(boolean preVote) {
        if (preVote) {
            campaign(false, false);
        } else {
            core.becomeLeader();
        }
    }

    /** A vote request at our term or (for PreVote) beyond it; lease and stale terms already handled. */
    void handleVoteRequest(Message.VoteRequest m) {
        boolean upToDate = core.log.isUpToDate(m.lastLogIndex(), m.lastLogTerm());
        if (m.preVote()) {
            // Would we vote for it at the term it will campaign at? Changes nothing here.
            boolean grant = m.term() > core.term && upToDate;
            core.send(new Message.VoteResponse(core.id, m.from(), grant ? m.term() : core.term, grant, true));
            return;
        }
        if (m.term() != core.term) {
            throw new IllegalStateException("vote request of term " + m.term() + " handled at term " + core.term);
        }
        boolean canVote = m.from().equals(core.votedFor) || (core.votedFor == null && core.leaderId == null);
        boolean grant = canVote && upToDate;
        if (grant) {
            core.votedFor = m.from();
            core.electionElapsed = 0;
        }
        // Sent in the next Ready, i.e. only after votedFor is on disk.
        core.send(new Message.VoteResponse(core.id, m.from(), core.term, grant, false));
    }

    void handleVoteResponse(Message.VoteResponse m) {
        boolean counts = m.preVote()
                ? core.role == Role.PRE_CANDIDATE && (!m.granted() || m.term() == core.term + 1)
                : core.role == Role.CANDIDATE && m.term() == core.term;
        if (!counts) {
            return;
        }
        if (m.granted()) {
            granted.add(m.from());
            rejected.remove(m.from());
        } else if (!granted.contains(m.from())) {
            rejected.add(m.from());
        }
        int quorum = core.membership().quorum();
        if (votes(granted) >= quorum) {
            won(m.preVote());
        } else if (votes(rejected) >= quorum) {
            core.becomeFollower(core.term, null);
        }
    }
}
