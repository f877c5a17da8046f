package dev.dsync.raft;

import java.util.ArrayDeque;

/**
 * The leader's view of one follower's log, and flow control toward it.
 *
 * <ul>
 *   <li>{@link State#PROBE}: where the follower's log matches is unknown; one append at a time,
 *       backing {@code next} off on each rejection, until an append succeeds.</li>
 *   <li>{@link State#REPLICATE}: the follower matches; appends are pipelined optimistically,
 *       at most {@code maxInflight} unacknowledged at once.</li>
 *   <li>{@link State#SNAPSHOT}: the entries it needs are compacted; a snapshot is on its way.</li>
 * </ul>
 * Invariant: {@code match < next}; {@code match} never decreases within one leadership.
 */
final class Progress {
    enum State { PROBE, REPLICATE, SNAPSHOT }

    private final int maxInflight;
    long match;
    long next;
    State state = State.PROBE;
    /** PROBE only: an append is out and no answer came back yet. */
    boolean probeSent;
    /** REPLICATE only: the last index of each unacknowledged append, ascending. */
    final ArrayDeque<Long> inflight = new ArrayDeque<>();
    /** SNAPSHOT only: the index of the snapshot sent. */
    long pendingSnapshot;
    /** Heard from the follower in this election-timeout window (CheckQuorum). */
    boolean recentActive = true;
    /** Ticks while waiting on acknowledgements without progress; a lost message shows up here. */
    int stalledTicks;
    /** The highest ReadIndex heartbeat round the follower answered in this term. */
    long ackedReadRound;
    /**
     * The highest commit index the follower can have learned from what was sent to it since it last
     * matched: an append lets it commit up to the leader's commit index, but no further than the
     * append's last entry. Only decides when to send a commit index; safety never depends on it.
     */
    long sentCommit;

    Progress(long lastIndex, int maxInflight) {
        this.maxInflight = maxInflight;
        this.next = lastIndex + 1;
    }

    boolean paused() {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflight.size() >= maxInflight;
            case SNAPSHOT -> true;
        };
    }

    /** Waiting for an answer to something that carried data (used to detect lost messages). */
    boolean awaitingAck() {
        return (state == State.REPLICATE && !inflight.isEmpty()) || state == State.SNAPSHOT;
    }

    void becomeProbe(long nextIndex) {
        state = State.PROBE;
        next = Math.max(match + 1, nextIndex);
        probeSent = false;
        sentCommit = 0; // a rejection or silence: the follower may have restarted and forgotten
        inflight.clear();
        stalledTicks = 0;
    }

    void becomeReplicate() {
        state = State.REPLICATE;
        next = match + 1;
        inflight.clear();
        stalledTicks = 0;
    }

    void becomeSnapshot(long snapshotIndex) {
        state = State.SNAPSHOT;
        pendingSnapshot = snapshotIndex;
        inflight.clear();
        stalledTicks = 0;
    }

    /** Records an append just sent that ends at {@code lastIndex} and carries {@code count} entries. */
    void sentAppend(long lastIndex, int count) {
        if (state == State.PROBE) {
            probeSent = true;
        } else if (state == State.REPLICATE && count > 0) {
            inflight.addLast(lastIndex);
            next = lastIndex + 1;
        }
    }

    /** An append or heartbeat went out that lets the follower commit up to {@code commitIndex}. */
    void sentCommit(long commitIndex) {
        sentCommit = Math.max(sentCommit, commitIndex);
    }

    /**
     * Whether an append from {@code next - 1} would let the follower commit more than it was told:
     * it holds (or is being sent) entries that committed after they went out.
     */
    boolean canBumpCommit(long committed) {
        return Math.min(committed, next - 1) > sentCommit;
    }

    /**
     * A successful append answer: the follower matches up to {@code index}.
     *
     * @return whether {@code match} moved forward
     */
    boolean acknowledge(long index) {
        while (!inflight.isEmpty() && inflight.peekFirst() <= index) {
            inflight.pollFirst();
            stalledTicks = 0;
        }
        if (index <= match) {
            return false;
        }
        match = index;
        next = Math.max(next, index + 1);
        stalledTicks = 0;
        return true;
    }

    /**
     * A rejected append at {@code rejectedIndex} with the follower's retry hint.
     *
     * @return false if the rejection is stale (answers an append superseded since) or a snapshot
     *     is on its way anyway
     */
    boolean reject(long rejectedIndex, long hint) {
        if (state == State.SNAPSHOT || rejectedIndex <= match || (state == State.PROBE && rejectedIndex != next - 1)) {
            return false;
        }
        becomeProbe(Math.min(hint, rejectedIndex));
        return true;
    }
}
