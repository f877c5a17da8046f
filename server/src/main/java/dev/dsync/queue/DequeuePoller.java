package dev.dsync.queue;

import dev.dsync.http.ApiException;
import dev.dsync.node.NodeClock;
import dev.dsync.node.Replica;
import dev.dsync.node.RequestWaiter;
import dev.dsync.statemachine.ApplyResult;

/**
 * Runs one dequeue request, long-polling up to {@code wait_ms}. A dequeue is proposed to the log
 * only when a local peek says something is deliverable, so idle consumers do not flood the log, and
 * no lease is ever taken for a consumer that is no longer waiting.
 *
 * <p>An "empty" answer is linearizable: it is given only after a committed dequeue came back empty,
 * or a peek after a ReadIndex confirmation found nothing deliverable.
 */
final class DequeuePoller {
    /** Shortest pause between peeks while something looks deliverable that a dequeue did not get. */
    static final long RECHECK_MS = 10;

    private final Replica replica;
    private final RequestWaiter waiter;
    /** Monotonic time for the request's own deadline; wall time for message visibility, as the entries stamp it. */
    private final NodeClock clock;

    DequeuePoller(Replica replica, RequestWaiter waiter, NodeClock clock) {
        this.replica = replica;
        this.waiter = waiter;
        this.clock = clock;
    }

    ApplyResult dequeue(QueueCommand.Dequeue command, long waitMs) throws InterruptedException {
        long deadlineMs = clock.monotonicMs() + waitMs;
        boolean confirmedEmpty = false;
        while (true) {
            Replica.Observed<QueueStateMachine.Peek> seen = peek(command);
            if (!seen.value().ready() && !confirmedEmpty) {
                waiter.await(replica.linearizableRead(), waiter.timeoutMs());
                seen = peek(command);
                confirmedEmpty = !seen.value().ready();
            }
            if (seen.value().ready()) {
                ApplyResult result = waiter.await(replica.submit(null, null, command.encode()), waiter.timeoutMs());
                if (result.status() != 200 || !result.body().path("empty").asBoolean()) {
                    return result;
                }
                // Another consumer was faster. Wait below for the next change before looking again.
                confirmedEmpty = true;
                seen = peek(command);
            }
            long remainingMs = deadlineMs - clock.monotonicMs();
            if (remainingMs <= 0) {
                return QueueResponses.empty();
            }
            // Delayed (nacked) messages become deliverable with time alone, not with a log entry.
            long next = seen.value().nextReadyAtMs();
            long untilReadyMs = seen.value().ready() ? 0
                    : next == Long.MAX_VALUE ? remainingMs : next - clock.wallMs();
            long pauseMs = Math.min(remainingMs, Math.max(RECHECK_MS, untilReadyMs));
            try {
                waiter.await(replica.awaitApplied(seen.appliedIndex() + 1), pauseMs);
            } catch (ApiException timeout) {
                if (timeout.status() != 504) {
                    throw timeout;
                }
            }
        }
    }

    private Replica.Observed<QueueStateMachine.Peek> peek(QueueCommand.Dequeue command) throws InterruptedException {
        long nowMs = clock.wallMs();
        return waiter.await(replica.query(sm -> ((QueueStateMachine) sm).peek(command.queue(), command.partition(), nowMs)),
                waiter.timeoutMs());
    }
}
