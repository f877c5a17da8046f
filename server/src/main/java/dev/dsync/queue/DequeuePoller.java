package dev.dsync.queue;

import dev.dsync.http.ApiException;
import dev.dsync.node.BoundedReplica;
import dev.dsync.node.Futures;
import dev.dsync.node.NodeClock;
import dev.dsync.node.Replica;
import dev.dsync.statemachine.ApplyResult;
import java.util.concurrent.CompletableFuture;

/**
 * Runs one dequeue request, long-polling up to {@code wait_ms}. A dequeue is proposed to the log
 * only when a local peek says something is deliverable, so idle consumers do not flood the log, and
 * no lease is ever taken for a consumer that is no longer waiting.
 *
 * <p>An "empty" answer is linearizable: it is given only after a committed dequeue came back empty,
 * or a peek after a ReadIndex confirmation found nothing deliverable.
 *
 * <p>Runs as a chain of futures on the node's {@link Replica}, every step bounded on its timers
 * ({@link BoundedReplica}), so the simulation runs it as the node does.
 */
final class DequeuePoller {
    /** Shortest pause between peeks while something looks deliverable that a dequeue did not get. */
    static final long RECHECK_MS = 10;

    private final BoundedReplica calls;
    private final Replica replica;
    /** Monotonic time for the request's own deadline; wall time for message visibility, as the entries stamp it. */
    private final NodeClock clock;

    DequeuePoller(BoundedReplica calls, NodeClock clock) {
        this.calls = calls;
        this.replica = calls.replica();
        this.clock = clock;
    }

    CompletableFuture<ApplyResult> dequeue(QueueCommand.Dequeue command, long waitMs) {
        return poll(command, clock.monotonicMs() + waitMs, false);
    }

    /** One look: a peek, confirmed by a ReadIndex round when it finds nothing and emptiness is not confirmed yet. */
    private CompletableFuture<ApplyResult> poll(QueueCommand.Dequeue command, long deadlineMs, boolean confirmedEmpty) {
        return peek(command).thenCompose(seen -> {
            if (seen.value().ready() || confirmedEmpty) {
                return take(command, deadlineMs, seen, confirmedEmpty);
            }
            return calls.bounded(replica.linearizableRead())
                    .thenCompose(confirmed -> peek(command))
                    .thenCompose(again -> take(command, deadlineMs, again, !again.value().ready()));
        });
    }

    /** Proposes the dequeue when the peek found something deliverable; otherwise waits. */
    private CompletableFuture<ApplyResult> take(QueueCommand.Dequeue command, long deadlineMs,
                                                Replica.Observed<QueueStateMachine.Peek> seen, boolean confirmedEmpty) {
        if (!seen.value().ready()) {
            return pause(command, deadlineMs, seen, confirmedEmpty);
        }
        return calls.bounded(replica.submit(null, null, command.encode())).thenCompose(result -> {
            if (result.status() != 200 || !result.body().path("empty").asBoolean()) {
                return CompletableFuture.completedFuture(result);
            }
            // Another consumer was faster. Wait for the next change before looking again.
            return peek(command).thenCompose(now -> pause(command, deadlineMs, now, true));
        });
    }

    /** Until the next applied entry, or until a delayed message becomes deliverable, or the deadline. */
    private CompletableFuture<ApplyResult> pause(QueueCommand.Dequeue command, long deadlineMs,
                                                 Replica.Observed<QueueStateMachine.Peek> seen, boolean confirmedEmpty) {
        long remainingMs = deadlineMs - clock.monotonicMs();
        if (remainingMs <= 0) {
            return CompletableFuture.completedFuture(QueueResponses.empty());
        }
        // Delayed (nacked) messages become deliverable with time alone, not with a log entry.
        long next = seen.value().nextReadyAtMs();
        long untilReadyMs = seen.value().ready() ? 0
                : next == Long.MAX_VALUE ? remainingMs : next - clock.wallMs();
        long pauseMs = Math.min(remainingMs, Math.max(RECHECK_MS, untilReadyMs));
        return calls.boundedBy(replica.awaitApplied(seen.appliedIndex() + 1), pauseMs).handle((changed, error) -> {
            if (error != null) {
                ApiException failed = Futures.apiError(error);
                if (failed.status() != 504) {
                    throw failed;
                }
            }
            return poll(command, deadlineMs, confirmedEmpty);
        }).thenCompose(again -> again);
    }

    private CompletableFuture<Replica.Observed<QueueStateMachine.Peek>> peek(QueueCommand.Dequeue command) {
        long nowMs = clock.wallMs();
        return calls.bounded(replica.query(sm -> ((QueueStateMachine) sm).peek(command.queue(), command.partition(), nowMs)));
    }

}
