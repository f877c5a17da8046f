package dev.dsync.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntUnaryOperator;

/**
 * The Raft consensus algorithm as a deterministic state machine, in the style of etcd's raft
 * library: no threads, sockets, files or clocks. Time enters through {@link #tick()}, randomness
 * through the {@code random} function given at construction ({@code random.applyAsInt(n)} returns a
 * value in [0, n)), and every effect leaves through {@link #ready()}.
 *
 * <p>This class holds the node-wide state, the role transitions and the Ready hand-off; elections,
 * leader-side replication and follower-side log handling live in {@link Elections},
 * {@link Replication} and {@link LogReceiver}.
 *
 * <p>Not thread-safe: the shell serializes all calls.
 */
public final class RaftCore {
    /** Proposals are refused while this many entries wait for commit. */
    public static final int MAX_UNCOMMITTED_ENTRIES = 10_000;

    /** Thrown by {@link #propose} when this node cannot accept proposals (not leader, or transferring). */
    public static final class NotLeaderException extends Exception {
        private final String leaderId;

        public NotLeaderException(String leaderId) {
            this(leaderId == null ? "no leader known" : "not the leader; leader is " + leaderId, leaderId);
        }

        public NotLeaderException(String message, String leaderId) {
            super(message);
            this.leaderId = leaderId;
        }

        public String leaderId() {
            return leaderId;
        }
    }

    /** Thrown by a membership change the rules refuse now (a change in progress) or at all (a bad change). */
    public static final class MembershipChangeException extends Exception {
        private final boolean retryable;

        public MembershipChangeException(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }

        /** True if the same change may succeed later (another change is in progress, a new leader settling in). */
        public boolean retryable() {
            return retryable;
        }
    }

    final RaftConfig config;
    final String id;
    private final IntUnaryOperator random;
    final RaftLog log;
    final ReadIndexQueue reads = new ReadIndexQueue();
    final Elections elections = new Elections(this);
    final LogReceiver receiver = new LogReceiver(this);
    private final MembershipRequests membershipRequests = new MembershipRequests(this);
    /** Non-null exactly while this node is leader. */
    Replication replication;

    long term;
    String votedFor;
    Role role = Role.FOLLOWER;
    String leaderId;
    /** Ticks since the last valid leader contact (follower), or election start (candidates), or quorum check (leader). */
    int electionElapsed;
    int randomizedElectionTimeout;
    private final List<Message> outbox = new ArrayList<>();

    private HardState lastHardState;
    private Role lastRole;
    private String lastLeader;
    /** Highest index handed to the shell to apply (in a Ready's committed list or snapshot). */
    private long applyHandedOut;
    /** Highest index the shell confirmed applied through {@link #advance}. */
    private long applied;
    /** {@link #voterPeers()} of the configuration {@code voterPeersOf}. */
    private Membership voterPeersOf;
    private List<String> voterPeers = List.of();
    /** Ticks since the last heartbeat broadcast; leader only. */
    int heartbeatElapsed;

    public RaftCore(RaftConfig config, IntUnaryOperator random, PersistentState restored) {
        this.config = config;
        this.id = config.id();
        this.random = random;
        this.log = new RaftLog(restored, config.bootstrap());
        this.term = restored.hardState().term();
        this.votedFor = restored.hardState().votedFor();
        this.lastHardState = new HardState(term, votedFor, restored.hardState().commit());
        this.applied = log.snapshotIndex();
        this.applyHandedOut = applied;
        this.lastRole = role;
        resetElectionTimer();
    }

    // ---- inputs ------------------------------------------------------------------------------

    public void tick() {
        electionElapsed++;
        if (role == Role.LEADER) {
            replication.tick();
        } else if (electionElapsed >= randomizedElectionTimeout) {
            if (isVoter()) {
                elections.campaign(config.preVote(), false);
            } else {
                resetElectionTimer(); // a learner, a joining or a removed node never campaigns
            }
        }
    }

    /**
     * How many more {@link #tick}s until one that can do anything (a heartbeat, a quorum check, a
     * stalled probe, a transfer given up, an election): the ticks before it only count. At least 1.
     * A shell may sleep that long when nothing else arrives; it must deliver the ticks that elapsed
     * before the messages that arrived after them, since a message may reset what they count.
     */
    public int ticksUntilDue() {
        int due = role == Role.LEADER ? replication.ticksUntilDue() : randomizedElectionTimeout - electionElapsed;
        return Math.max(1, due);
    }

    public void step(Message m) {
        if (!m.to().equals(id)) {
            throw new IllegalArgumentException("message for " + m.to() + " delivered to " + id);
        }
        if (m.from().equals(id)) {
            return;
        }
        // Messages from nodes outside our configuration are taken: our log may lag behind the
        // change that added them (a new leader, a promoted learner asking for votes). A removed
        // node cannot disrupt: PreVote and the CheckQuorum lease turn its elections away (§4.2.3).
        if (m.term() > term) {
            if (m instanceof Message.VoteRequest v) {
                if (elections.inLease() && !v.leadershipTransfer()) {
                    return; // CheckQuorum: a live leader exists; do not let this node disrupt it
                }
                if (!v.preVote()) {
                    becomeFollower(v.term(), null);
                }
            } else if (!(m instanceof Message.VoteResponse r && r.preVote() && r.granted())) {
                // A granted pre-vote carries the term we would campaign at; anything else newer wins.
                boolean fromLeader = m instanceof Message.AppendRequest || m instanceof Message.SnapshotRequest
                        || m instanceof Message.TimeoutNow;
                becomeFollower(m.term(), fromLeader ? m.from() : null);
            }
        } else if (m.term() < term) {
            answerStale(m);
            return;
        }
        switch (m) {
            case Message.VoteRequest v -> elections.handleVoteRequest(v);
            case Message.VoteResponse r -> elections.handleVoteResponse(r);
            case Message.AppendRequest a -> {
                followLeader(a.from());
                receiver.handleAppend(a);
            }
            case Message.SnapshotRequest s -> {
                followLeader(s.from());
                receiver.handleSnapshot(s);
            }
            case Message.AppendResponse r -> {
                if (role == Role.LEADER) {
                    replication.handleAppendResponse(r);
                }
            }
            case Message.SnapshotResponse r -> {
                if (role == Role.LEADER) {
                    replication.handleSnapshotResponse(r);
                }
            }
            case Message.TimeoutNow t -> {
                if (role != Role.LEADER && t.from().equals(leaderId) && isVoter()) {
                    elections.campaign(false, true);
                }
            }
        }
    }

    /** A message from an older term: tell its sender our term so a stale leader or candidate steps down. */
    private void answerStale(Message m) {
        if (m instanceof Message.AppendRequest || m instanceof Message.SnapshotRequest) {
            send(new Message.AppendResponse(id, m.from(), term, false, 0, 0, 0));
        } else if (m instanceof Message.VoteRequest v) {
            send(new Message.VoteResponse(id, v.from(), term, false, v.preVote()));
        }
    }

    /** An append or snapshot of the current term: its sender is the one leader of this term. */
    private void followLeader(String leader) {
        if (role == Role.LEADER) {
            throw new IllegalStateException("election safety: " + leader + " and " + id + " both lead term " + term);
        }
        if (role != Role.FOLLOWER || !leader.equals(leaderId)) {
            becomeFollower(term, leader);
        }
        electionElapsed = 0;
    }

    public long propose(byte[] data) throws NotLeaderException {
        if (role != Role.LEADER) {
            throw new NotLeaderException(leaderId);
        }
        if (replication.transferTarget() != null) {
            throw new NotLeaderException(null);
        }
        // A leader that cannot commit (cut off, with CheckQuorum not yet stepping it down) must
        // not pile up an unbounded tail that a later leader would have to ship or truncate.
        if (log.lastIndex() - log.committed() >= MAX_UNCOMMITTED_ENTRIES) {
            throw new NotLeaderException("too many uncommitted entries (" + MAX_UNCOMMITTED_ENTRIES
                    + "): the cluster is not committing; retry later", id);
        }
        return replication.appendAndBroadcast(data);
    }

    /** Starts a ReadIndex read; false if this node is not the leader (the caller retries elsewhere). */
    public boolean readIndex(long requestId) {
        if (role != Role.LEADER) {
            return false;
        }
        replication.readIndex(requestId);
        return true;
    }

    /**
     * Sends {@code peer} the commit index now if it could commit more than it has been told; ignored
     * unless leader. For a service answering that node about an entry it waits to apply: otherwise it
     * may learn the commit only with the next append or heartbeat.
     */
    public void shareCommitWith(String peer) {
        if (role == Role.LEADER) {
            replication.shareCommit(peer);
        }
    }

    /** Hands leadership to {@code target} (another voter) once it is up to date; ignored unless leader. */
    public void transferLeadership(String target) {
        if (role == Role.LEADER && !target.equals(id) && membership().isVoter(target)) {
            replication.transferTo(target);
        }
    }

    // ---- membership changes ----------------------------------------------------------------------

    /** Adds {@code node} as a learner; the leader promotes it to voter once it has caught up. */
    public long addLearner(String node, String address) throws NotLeaderException, MembershipChangeException {
        return membershipRequests.addLearner(node, address);
    }

    /**
     * Removes {@code node}. The leader does not remove itself: it hands leadership to the most up to
     * date voter and refuses, so that the caller asks the new leader (which then removes this node).
     */
    public long removeMember(String node) throws NotLeaderException, MembershipChangeException {
        return membershipRequests.removeMember(node);
    }

    /** The configuration in force: the latest in this node's log, committed or not. */
    public Membership membership() {
        return log.membership();
    }

    /**
     * On the leader, the highest index {@code member} is known to hold (this node: its last index);
     * -1 elsewhere, or for a node the leader does not replicate to.
     */
    public long matchIndex(String member) {
        if (role != Role.LEADER) {
            return -1;
        }
        return member.equals(id) ? log.lastIndex() : replication.matchOf(member);
    }

    boolean isVoter() {
        return membership().isVoter(id);
    }

    /** The other voters: who is asked for votes, and whose acknowledgements count. */
    List<String> voterPeers() {
        Membership current = membership();
        if (current != voterPeersOf) { // asked on every tick and read: made again only when the configuration changes
            voterPeers = current.voters().keySet().stream().filter(v -> !v.equals(id)).toList();
            voterPeersOf = current;
        }
        return voterPeers;
    }

    /** The best follower to hand leadership to (the most up to date one), or null if none. */
    public String transferTarget() {
        return role == Role.LEADER ? replication.bestTransferTarget() : null;
    }

    /** The shell took a state machine image at applied {@code index}; drops the log up to it. */
    public Snapshot compact(long index, byte[] data) {
        if (index > applied) {
            throw new IllegalArgumentException("compact to " + index + " beyond applied index " + applied);
        }
        Snapshot current = log.snapshot();
        if (current != null && index == current.index()) {
            return current;
        }
        return log.compact(index, data);
    }

    // ---- role transitions -----------------------------------------------------------------------

    void becomeFollower(long newTerm, String leader) {
        if (newTerm < term) {
            throw new IllegalStateException("term going back from " + term + " to " + newTerm);
        }
        if (role == Role.LEADER) {
            reads.dropAll();
            replication = null;
        }
        if (newTerm > term) {
            term = newTerm;
            votedFor = null;
        }
        role = Role.FOLLOWER;
        leaderId = leader;
        resetElectionTimer();
    }

    void becomePreCandidate() {
        if (role == Role.LEADER) {
            throw new IllegalStateException("a leader does not campaign");
        }
        role = Role.PRE_CANDIDATE;
        leaderId = null;
        resetElectionTimer();
    }

    void becomeCandidate() {
        if (role == Role.LEADER) {
            throw new IllegalStateException("a leader does not campaign");
        }
        term++;
        votedFor = id;
        role = Role.CANDIDATE;
        leaderId = null;
        resetElectionTimer();
    }

    void becomeLeader() {
        if (role != Role.CANDIDATE) {
            throw new IllegalStateException("only a candidate becomes leader, not a " + role);
        }
        if (!isVoter()) {
            throw new IllegalStateException(id + " won an election but is no voter of " + membership());
        }
        role = Role.LEADER;
        leaderId = id;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        replication = new Replication(this);
        // Raft §5.4.2: commit entries of earlier terms by committing one of our own.
        replication.appendAndBroadcast(Entry.NO_DATA);
    }

    void resetElectionTimer() {
        electionElapsed = 0;
        randomizedElectionTimeout = config.electionTicks() + random.applyAsInt(config.electionTicks());
    }

    void send(Message m) {
        outbox.add(m);
    }

    // ---- the Ready hand-off --------------------------------------------------------------------

    private HardState hardState() {
        return new HardState(term, votedFor, log.committed());
    }

    public boolean hasReady() {
        return !outbox.isEmpty() || log.hasUnstable() || !hardState().equals(lastHardState)
                || log.committed() > applyHandedOut || reads.hasOutput()
                || role != lastRole || !Objects.equals(leaderId, lastLeader);
    }

    public Ready ready() {
        HardState hs = hardState();
        HardState changed = hs.equals(lastHardState) ? null : hs;
        lastHardState = hs;
        lastRole = role;
        lastLeader = leaderId;
        Snapshot snapshot = log.takeUnsentSnapshot();
        if (snapshot != null) {
            applyHandedOut = Math.max(applyHandedOut, snapshot.index());
        }
        List<Entry> entries = log.takeUnstableEntries();
        List<Entry> committed = log.committed() > applyHandedOut
                ? log.slice(applyHandedOut + 1, log.committed(), Integer.MAX_VALUE) : List.of();
        applyHandedOut = log.committed();
        List<Message> messages = List.copyOf(outbox);
        outbox.clear();
        return new Ready(role, leaderId, term, changed, entries, snapshot, committed, messages,
                reads.takeConfirmed(), reads.takeDropped());
    }

    /** The shell carried out {@code r}: its entries are durable and its committed entries applied. */
    public void advance(Ready r) {
        if (!r.entries().isEmpty()) {
            log.persistedUpTo(r.entries().getLast());
        }
        long newApplied = r.snapshot() != null ? Math.max(applied, r.snapshot().index()) : applied;
        if (!r.committed().isEmpty()) {
            long first = r.committed().getFirst().index();
            if (first > newApplied + 1) {
                throw new IllegalStateException("applied entries skip from " + newApplied + " to " + first);
            }
            newApplied = Math.max(newApplied, r.committed().getLast().index());
        }
        applied = newApplied;
        if (role == Role.LEADER) {
            replication.onPersisted();
        }
    }

    // ---- getters --------------------------------------------------------------------------------

    public String id() {
        return id;
    }

    public Role role() {
        return role;
    }

    /** The leader of the current term if known, else null. */
    public String leaderId() {
        return leaderId;
    }

    public long term() {
        return term;
    }

    /** The base election timeout in ticks (the randomized one lies in [this, twice this)). */
    public int electionTicks() {
        return config.electionTicks();
    }

    public long commitIndex() {
        return log.committed();
    }

    public long lastIndex() {
        return log.lastIndex();
    }

    public long firstIndex() {
        return log.firstIndex();
    }

    public long appliedIndex() {
        return applied;
    }

    /** The entry at {@code index} if it is in memory (not compacted, not beyond the end), else null. */
    public Entry entryAt(long index) {
        return log.entry(index);
    }

    /**
     * The configuration in force at {@code index} (null: the bootstrap member list), as a snapshot
     * taken there records it. {@code index} must not be compacted away.
     */
    public Membership membershipAt(long index) {
        if (index < log.snapshotIndex()) {
            throw new IllegalArgumentException("index " + index + " is compacted away (snapshot at " + log.snapshotIndex() + ")");
        }
        return log.membershipAt(index);
    }

    /** The term of the entry at {@code index}, or -1 if it is compacted away or beyond the end. */
    public long termAt(long index) {
        return log.term(index);
    }
}
