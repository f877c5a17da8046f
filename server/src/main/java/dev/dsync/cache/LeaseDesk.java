package dev.dsync.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.http.ApiException;
import dev.dsync.http.Router;
import dev.dsync.node.NodeStatus;
import dev.dsync.raft.Membership;
import dev.dsync.raft.Role;
import dev.dsync.statemachine.ApplyResult;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The leader's side of coherence in the node shell: the {@link InvalidationTracker}, the answers
 * waiting for a key to settle, and the drop-node command in flight. Confined to the Raft loop
 * thread (every method runs there, inside a {@code Replica.query} or a loop hook), so it needs no lock.
 */
final class LeaseDesk {
    /** An answer about {@code key} that may go out once nothing up to {@code upToIndex} is pending on it. */
    private record Waiter(String key, long upToIndex, CompletableFuture<Void> settled) {}

    /** What a lease grant says; see {@link ReadLease}. */
    record Grant(long term, long readIndex, long watermark) {
        ObjectNode body() {
            return ApplyResult.object().put("term", term).put("read_index", readIndex).put("watermark", watermark);
        }
    }

    private final InvalidationTracker tracker;
    /** The configuration in force here; leases go to its members only. */
    private Membership membership = Membership.EMPTY;
    private final List<Waiter> waiters = new ArrayList<>();
    private long term = -1;
    private String dropInFlight;
    private long grantsTotal;
    /** How long after a holder's lease ended the leader forgets its copies with a drop-node command. */
    private final long dropAfterMs;

    LeaseDesk(String nodeId, LeaseTiming timing, long dropAfterMs) {
        this.tracker = new InvalidationTracker(nodeId, timing);
        this.dropAfterMs = dropAfterMs;
    }

    void onStatus(NodeStatus status, long nowMs) {
        membership = status.membership();
        boolean leads = status.role() == Role.LEADER;
        if (leads && status.term() != term) {
            stop("leadership moved to a new term");
            tracker.lead(nowMs, status.appliedIndex());
            term = status.term();
        } else if (!leads && tracker.leading()) {
            stop("this node stopped leading");
        }
    }

    private void stop(String why) {
        tracker.stop();
        term = -1;
        dropInFlight = null;
        // The change these answers wait for is committed, but this node can no longer tell when
        // every copy has gone: what the client asked for happened or will, the answer is unknown.
        ObjectNode unknown = Router.timeoutBody().put("error", why + " before the other copies were confirmed invalid");
        waiters.forEach(w -> w.settled().completeExceptionally(new ApiException(504, unknown)));
        waiters.clear();
    }

    void afterApply(CacheChanges changes, long appliedIndex, long nowMs) {
        tracker.onApplied(changes, appliedIndex);
        if (dropInFlight != null && changes.droppedNodes().contains(dropInFlight)) {
            dropInFlight = null;
        }
        settle(nowMs);
    }

    void report(String node, long appliedIndex, long nowMs) {
        tracker.onReport(node, appliedIndex);
        settle(nowMs);
    }

    /**
     * A lease for {@code node}, or null if this node no longer leads term {@code inTerm}, is dropping
     * {@code node}, or {@code node} is no member: a removed node gets no more log, so it could never
     * report past a change, and a lease it kept renewing would hold every write to its keys forever.
     */
    Grant grant(String node, long inTerm, long nowMs) {
        if (!tracker.leading() || term != inTerm || node.equals(dropInFlight) || !membership.contains(node)) {
            return null;
        }
        tracker.onGrant(node, nowMs);
        grantsTotal++;
        settle(nowMs);
        return new Grant(term, tracker.appliedIndex(), tracker.watermark(nowMs));
    }

    long term() {
        return tracker.leading() ? term : -1;
    }

    /** Completes when an answer about {@code key} reflecting the applied state may be given; fails if leadership is lost first. */
    CompletableFuture<Void> whenSettled(String key, long nowMs) {
        CompletableFuture<Void> settled = new CompletableFuture<>();
        if (!tracker.leading()) {
            settled.completeExceptionally(new ApiException(503, Router.errorWithLeader("not the leader", null)));
        } else if (tracker.settled(key, tracker.appliedIndex(), nowMs)) {
            settled.complete(null);
        } else {
            waiters.add(new Waiter(key, tracker.appliedIndex(), settled));
        }
        return settled;
    }

    /** Called on every report, grant and apply, and by the leader's own renewals, so lapsed leases are noticed within a renewal period. */
    void settle(long nowMs) {
        tracker.settle(nowMs);
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (w.settled().isDone()) {
                it.remove(); // given up by its request
            } else if (tracker.settled(w.key(), w.upToIndex(), nowMs)) {
                w.settled().complete(null);
                it.remove();
            }
        }
    }

    /** The drop-node command due, if any: one at a time, for a holder whose lease ended long ago. */
    byte[] duty(CacheStateMachine sm, long nowMs) {
        settle(nowMs);
        if (!tracker.leading() || dropInFlight != null) {
            return null;
        }
        List<String> lapsed = tracker.lapsed(sm.linesByNode().keySet(), nowMs, dropAfterMs);
        if (lapsed.isEmpty()) {
            return null;
        }
        dropInFlight = lapsed.getFirst();
        return new CacheCommand.DropNode(dropInFlight).encode();
    }

    int pendingCount() {
        return tracker.pendingCount();
    }

    /** Answers held back until their key settles, not yet given up by their requests. */
    int waitingCount() {
        return (int) waiters.stream().filter(w -> !w.settled().isDone()).count();
    }

    long grantsTotal() {
        return grantsTotal;
    }
}
