package dev.dsync.checker.queue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The total-queue classification of one queue. Each list holds at most
 * {@link TotalQueueChecker#MAX_LISTED} example messages; the counts are exact.
 *
 * @param attempted   distinct messages whose enqueue did not certainly fail
 * @param acknowledged distinct messages with an ok enqueue
 * @param delivered   distinct messages dequeued or drained at least once
 * @param lost        acknowledged but never delivered
 * @param unexpected  delivered but never enqueued (or only by an enqueue that certainly failed)
 * @param duplicated  delivered more times than enqueued; {@code duplicateDeliveries} counts the extra deliveries
 * @param recovered   enqueue outcome unknown, yet delivered
 * @param drained     whether the history contains an ok drain (without one, queued messages look lost)
 * @param timedViolationCount violations of the timed checks (live deliveries, acks, receipts, per-key order)
 * @param timedViolations     descriptions of the first {@code TimedQueueChecks.MAX_LISTED} of them
 */
public record QueueReport(int attempted, int acknowledged, int delivered, int lostCount, int unexpectedCount,
                          int duplicatedCount, long duplicateDeliveries, int recoveredCount,
                          List<JsonNode> lost, List<JsonNode> unexpected, List<JsonNode> duplicated,
                          List<JsonNode> recovered, boolean drained, int timedViolationCount,
                          List<String> timedViolations) {
}
