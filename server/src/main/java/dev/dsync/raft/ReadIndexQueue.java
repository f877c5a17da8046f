package dev.dsync.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * ReadIndex bookkeeping on the leader (Raft dissertation §6.4). A read records the commit index
 * at the time it arrived and a heartbeat round number; it is confirmed once a quorum answered a
 * message of that round or a later one, proving that no newer leader existed when it arrived.
 *
 * <p>Before the leader has committed an entry of its own term its commit index may lag entries
 * committed by predecessors, so reads wait in {@code awaitingOwnTermCommit} until then.
 * Rounds increase strictly within one leadership; pending reads are in round order.
 */
final class ReadIndexQueue {
    private record Pending(long requestId, long index, long round) {}

    private final ArrayDeque<Long> awaitingOwnTermCommit = new ArrayDeque<>();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final List<ReadState> confirmed = new ArrayList<>();
    private final List<Long> dropped = new ArrayList<>();
    private long round;

    /** The current heartbeat round, carried as {@code readContext} in every append. */
    long round() {
        return round;
    }

    void holdUntilOwnTermCommit(long requestId) {
        awaitingOwnTermCommit.addLast(requestId);
    }

    boolean hasHeld() {
        return !awaitingOwnTermCommit.isEmpty();
    }

    /** Starts a new round for {@code requestId} reading at {@code commitIndex}; returns the round. */
    long start(long requestId, long commitIndex) {
        round++;
        pending.addLast(new Pending(requestId, commitIndex, round));
        return round;
    }

    /** Moves every held read into a new round at {@code commitIndex}. */
    void releaseHeld(long commitIndex) {
        if (awaitingOwnTermCommit.isEmpty()) {
            return;
        }
        round++;
        while (!awaitingOwnTermCommit.isEmpty()) {
            pending.addLast(new Pending(awaitingOwnTermCommit.pollFirst(), commitIndex, round));
        }
    }

    /**
     * Confirms every pending read whose round reached a quorum.
     *
     * @param roundAckedByQuorum the highest round that a quorum (counting the leader) answered
     */
    void confirmUpTo(long roundAckedByQuorum) {
        while (!pending.isEmpty() && pending.peekFirst().round() <= roundAckedByQuorum) {
            Pending p = pending.pollFirst();
            confirmed.add(new ReadState(p.requestId(), p.index()));
        }
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    /** Leadership lost: every read not yet confirmed fails. */
    void dropAll() {
        awaitingOwnTermCommit.forEach(dropped::add);
        pending.forEach(p -> dropped.add(p.requestId()));
        awaitingOwnTermCommit.clear();
        pending.clear();
        round = 0;
    }

    boolean hasOutput() {
        return !confirmed.isEmpty() || !dropped.isEmpty();
    }

    List<ReadState> takeConfirmed() {
        List<ReadState> out = List.copyOf(confirmed);
        confirmed.clear();
        return out;
    }

    List<Long> takeDropped() {
        List<Long> out = List.copyOf(dropped);
        dropped.clear();
        return out;
    }
}
