package dev.dsync.raft;

/** A node's role. {@link #code} is what /health reports (as in the original system). */
public enum Role {
    FOLLOWER(0),
    /** Running a PreVote round; reported as a candidate. */
    PRE_CANDIDATE(1),
    CANDIDATE(1),
    LEADER(2);

    public final int code;

    Role(int code) {
        this.code = code;
    }

    public String displayName() {
        return this == PRE_CANDIDATE ? "candidate" : name().toLowerCase(java.util.Locale.ROOT);
    }
}
