package dev.dsync.chaos.nemesis;

/** The faults a schedule can contain; {@code mixed} draws from all of them. */
public enum FaultKind {
    PARTITION_ISOLATE_LEADER("partition", "isolate-leader"),
    /**
     * One follower cut off while the majority keeps writing: its read lease must run out before a write
     * it missed is acknowledged, and a node's cache that serves hits past its lease shows here, at the
     * reader that stays on that node (an isolated old leader holds few lines; a follower holds many).
     */
    PARTITION_ISOLATE_FOLLOWER("partition", "isolate-follower"),
    /**
     * The leader cut off from both followers, and both removed at once through it (an operator taking out
     * the nodes it cannot see): see {@link RemoveUnreachable}. A leader that allows a second membership
     * change while the first is uncommitted becomes a one-voter cluster beside the followers' leader.
     */
    PARTITION_REMOVE_UNREACHABLE("partition", "remove-unreachable"),
    /**
     * The dissertation's figure 3.7 on three nodes: the leader re-elected with a tail of its old term
     * that one follower holds must not commit it by counting; a later leader overwrites it. See
     * {@link OldTermCommit}.
     */
    PARTITION_OLD_TERM_COMMIT("partition", "old-term-commit"),
    PARTITION_RANDOM_HALVES("partition", "random-halves"),
    PARTITION_MAJORITIES_RING("partition", "majorities-ring"),
    PARTITION_BRIDGE("partition", "bridge"),
    PARTITION_ONE_WAY("partition", "one-way"),
    LATENCY_ALL("latency", "all-links"),
    LATENCY_SOME("latency", "some-links"),
    /** Every link to and from the leader slow, just under a cache read lease's round trip. */
    LATENCY_LEADER("latency", "leader-links"),
    /**
     * The leader's answers to one follower's requests arrive 120-160 ms late, its own messages on time.
     * In cache runs the follower is then cut off holding a copy the leader rewrites: see
     * {@link HolderCutOff}. A node that counts its read lease from a grant's arrival
     * instead of its request serves the old copy after the rewrite was answered.
     */
    LATENCY_ANSWERS_LATE("latency", "answers-late"),
    KILL_ONE("kill", "one"),
    KILL_LEADER("kill", "leader"),
    KILL_MINORITY("kill", "minority"),
    /** The leader cut off and fed writes it cannot commit, its successor killed, then it returns: see {@link StaleLeaderReturns}. */
    KILL_STALE_LOG("kill", "stale-log-leader"),
    /**
     * Every link into the leader delayed (by less than an election timeout), then it is stopped with
     * SIGTERM: it hands leadership to a follower (TimeoutNow), which wins at once, and hears of the new
     * term only one delay later, serving clients as leader meanwhile. A read it answers without
     * confirming its leadership (ReadIndex) misses what the new leader commits in that time.
     */
    KILL_HANDOVER_LATE("kill", "handover-heard-late"),
    PAUSE_ONE("pause", "one"),
    PAUSE_LEADER("pause", "leader"),
    /** The leader paused while its followers cannot reach each other, so both ask it for votes of one term: see {@link SplitVote}. */
    PAUSE_SPLIT_VOTE("pause", "split-vote"),
    ROLLING_RESTART("kill", "rolling-restart"),
    CLOCK_DRIFT("clock", "drift"),
    CLOCK_SKEW_RESTART("clock", "skew-restart"),
    POWER_ONE("power", "one"),
    POWER_LEADER("power", "leader"),
    POWER_MAJORITY("power", "majority"),
    POWER_ALL("power", "all"),
    /** Every node loses power just after one started a new log segment: see {@link AfterRotation}. */
    POWER_AFTER_ROTATION("power", "after-rotation"),
    /** A node started with --join asks to be added, catches up as a learner and is promoted: four voters until the heal. */
    MEMBERSHIP_ADD("membership", "add"),
    /**
     * A node joins with its link down, and the link comes up just after the leader was cut off from the
     * other voters: see {@link JoinDuringCut}. A leader that counts learners toward commits commits
     * writes only the learner holds.
     */
    MEMBERSHIP_ADD_DURING_CUT("membership", "add-during-cut"),
    /** A follower removed (DELETE) and stopped: two voters, both needed, until the heal adds a node. */
    MEMBERSHIP_REMOVE_FOLLOWER("membership", "remove-follower"),
    /** The leader removed: it hands leadership over first, then the new leader removes it; stopped after. */
    MEMBERSHIP_REMOVE_LEADER("membership", "remove-leader"),
    /** A new node added, then an old member (the leader, maybe) removed: three voters, one of them new. */
    MEMBERSHIP_REPLACE("membership", "replace");

    /** The nemesis family (the NEMESIS= name that selects it) and the shape within it. */
    public final String family;
    public final String shape;

    FaultKind(String family, String shape) {
        this.family = family;
        this.shape = shape;
    }
}
