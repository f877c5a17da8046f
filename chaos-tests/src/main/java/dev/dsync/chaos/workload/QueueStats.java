package dev.dsync.chaos.workload;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the queue clients did and saw, for the run's summary line. {@link #unexpected} counts
 * answers that contradict the queue's documented rules as one client can see them (a stale
 * receipt acknowledged, a retried enqueue given a second msg_id); the checker judges the rest.
 */
final class QueueStats {
    final AtomicLong enqueued = new AtomicLong();
    final AtomicLong enqueueRetries = new AtomicLong();
    final AtomicLong deliveries = new AtomicLong();
    final AtomicLong redeliveries = new AtomicLong();
    final AtomicLong acked = new AtomicLong();
    final AtomicLong nacked = new AtomicLong();
    final AtomicLong deadLetteredByNack = new AtomicLong();
    final AtomicLong abandoned = new AtomicLong();
    final AtomicLong staleSent = new AtomicLong();
    final AtomicLong staleRefused = new AtomicLong();
    final AtomicLong drained = new AtomicLong();
    final AtomicLong drainedDlq = new AtomicLong();
    final AtomicLong unexpectedCount = new AtomicLong();
    private volatile String firstUnexpected;

    void unexpected(String what) {
        if (unexpectedCount.getAndIncrement() == 0) {
            firstUnexpected = what;
        }
    }

    String describe(boolean fullApi) {
        StringBuilder s = new StringBuilder(String.format(
                "queue: %d enqueued (%d retries by request id), %d deliveries (%d redeliveries), %d acks, %d nacks "
                        + "(%d dead-lettered by nack), %d deliveries abandoned, %d stale receipts sent (%d refused), "
                        + "drained %d + %d from the DLQ%s",
                enqueued.get(), enqueueRetries.get(), deliveries.get(), redeliveries.get(), acked.get(), nacked.get(),
                deadLetteredByNack.get(), abandoned.get(), staleSent.get(), staleRefused.get(), drained.get(), drainedDlq.get(),
                fullApi ? "" : " (FULL_API off: acks, nacks and stale receipts not recorded, DLQ drained with the queue)"));
        if (unexpectedCount.get() > 0) {
            s.append("; ").append(unexpectedCount.get()).append(" unexpected answer(s), first: ").append(firstUnexpected);
        }
        return s.toString();
    }
}
