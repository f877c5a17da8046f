package dev.dsync.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.http.ApiException;
import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.http.Route;
import dev.dsync.lease.LeaderCountdowns;
import dev.dsync.lease.LeaseClockBounds;
import dev.dsync.node.Replica;
import dev.dsync.node.RequestWaiter;
import dev.dsync.node.ServiceContext;
import dev.dsync.node.ServiceModule;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.statemachine.StateMachine;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The queue service as a node hosts it: HTTP endpoints that turn requests into queue commands,
 * long-polling dequeues, visibility timeouts proposed by the leader, and the queue metrics.
 * Every state change (a dequeue's lease included) goes through the log; nothing is served from
 * local memory.
 */
public final class QueueService implements ServiceModule {
    static final long DEFAULT_VISIBILITY_MS = 30_000;
    static final long MAX_VISIBILITY_MS = 12L * 3600 * 1000;
    static final long MAX_DELAY_MS = 12L * 3600 * 1000;
    static final long MAX_WAIT_MS = 300_000;
    static final int DEFAULT_MAX_DELIVERIES = 5;
    /** Leases ended by one leader-duty command at most, to keep entries small. */
    static final int EXPIRE_BATCH = 500;

    private final QueueStateMachine queues = new QueueStateMachine();
    /** Enqueues are refused once the stored messages' estimated size would pass this. */
    private final long maxStoredBytes;
    /** Leader-only, on the Raft loop thread: each delivery's countdown on this node's monotonic clock. */
    private final LeaderCountdowns<Long> countdowns = new LeaderCountdowns<>(LeaseClockBounds.DRIFT_PERMILLE);
    // Written on the Raft loop after each apply, read by metric scrapes.
    private volatile Map<String, long[]> depths = Map.of();
    private volatile long[] totals = new long[5];

    /** A queue service without a storage limit (the simulation, unit tests). */
    public QueueService() {
        this(Long.MAX_VALUE);
    }

    /** @param maxStoredBytes see {@link #storageLimit} */
    public QueueService(long maxStoredBytes) {
        if (maxStoredBytes < 1) {
            throw new IllegalArgumentException("the queue's storage limit must be at least 1 byte, not " + maxStoredBytes);
        }
        this.maxStoredBytes = maxStoredBytes;
    }

    /**
     * The storage limit for a node setting of {@code configured} bytes (0: a sixteenth of {@code maxHeapBytes}).
     * Why a limit at all: every node holds every unacknowledged message in memory, and a snapshot
     * needs about three times its image in passing, beside the log since the last one and the last
     * one itself (kept for followers): at an eighth of the heap, a full queue's snapshot left a 256 MB
     * heap with little room, hence a sixteenth. Without a limit, three nodes with make up's 256 MB
     * heaps took about 180,000 enqueued 128-byte messages (45 s of 32 clients), then all ran out of heap
     * at the same snapshot and stopped. With it, a producer gets a 503 it can retry once consumers have
     * caught up, and the nodes stay up.
     */
    public static long storageLimit(long configured, long maxHeapBytes) {
        return configured > 0 ? configured : Math.max(1, maxHeapBytes / 16);
    }

    @Override
    public StateMachine stateMachine() {
        return queues;
    }

    @Override
    public List<Route> routes(ServiceContext context) {
        Replica replica = context.replica();
        RequestWaiter waiter = context.waiter();
        DequeuePoller poller = new DequeuePoller(replica, waiter, context.clock());
        return List.of(
                Route.leader("POST", "/queue/enq", request -> enqueue(request, replica, waiter)),
                Route.leader("POST", "/queue/deq", request -> dequeue(request, poller)),
                Route.leader("POST", "/queue/ack", request -> {
                    QueueCommand ack = new QueueCommand.Ack(msgId(request), request.optionalString("receipt"));
                    return submit(request, ack, replica, waiter);
                }),
                Route.leader("POST", "/queue/nack", request -> {
                    QueueCommand nack = new QueueCommand.Nack(msgId(request), request.requiredString("receipt"),
                            request.optionalLong("delay_ms", 0, 0, MAX_DELAY_MS));
                    return submit(request, nack, replica, waiter);
                }),
                Route.leader("GET", "/queue/stats", request -> {
                    String queue = queueName(request.queryParamOr("queue", QueueNames.DEFAULT), "query parameter 'queue'");
                    waiter.await(replica.linearizableRead(), waiter.timeoutMs());
                    JsonNode stats = waiter.await(replica.query(sm -> ((QueueStateMachine) sm).stats(queue)), waiter.timeoutMs()).value();
                    return ApiResponse.ok(stats);
                }));
    }

    private ApiResponse enqueue(ApiRequest request, Replica replica, RequestWaiter waiter) throws InterruptedException {
        String queue = queueName(request.optionalString("queue"), "field 'queue'");
        if (QueueNames.isDeadLetter(queue)) {
            throw ApiException.badRequest("field 'queue' names a dead-letter queue (ends in .dlq); only the service fills those");
        }
        String key = request.requiredString("key");
        JsonNode value = request.requiredValue("value");
        int maxDeliveries = (int) request.optionalLong("max_deliveries", DEFAULT_MAX_DELIVERIES, 1, QueueCommand.MAX_DELIVERIES_LIMIT);
        long stored = queues.storedBytes();
        long adding = QueueMessage.estimatedBytes(key, value);
        if (stored + adding > maxStoredBytes) {
            // Checked against the latest applied state, which holds every enqueue and ack already answered
            // (concurrent enqueues may pass it together: the limit guards the heap, it is not an exact quota).
            // Refused before it is proposed, so this attempt did not happen. With a request_id it may be the
            // retry of an attempt that did (the session would have answered it): outcome unknown.
            ObjectNode refusal = ApplyResult.object().put("error", "queue storage full: the unacknowledged messages take an "
                    + "estimated " + stored + " of " + maxStoredBytes + " bytes and this one " + adding
                    + "; retry once consumers have acked some");
            if (request.optionalString("request_id") != null) {
                refusal.put("outcome", "unknown");
            }
            throw new ApiException(503, refusal);
        }
        return submit(request, new QueueCommand.Enqueue(queue, key, value, maxDeliveries), replica, waiter);
    }

    private ApiResponse dequeue(ApiRequest request, DequeuePoller poller) throws InterruptedException {
        QueueCommand.Dequeue command = new QueueCommand.Dequeue(
                queueName(request.optionalString("queue"), "field 'queue'"),
                request.optionalString("consumer_id"),
                request.optionalLong("visibility_ms", DEFAULT_VISIBILITY_MS, 1, MAX_VISIBILITY_MS),
                (int) request.optionalLong("partition", QueueCommand.ANY_PARTITION, 0, PartitionRing.PARTITIONS - 1));
        long waitMs = request.optionalLong("wait_ms", 0, 0, MAX_WAIT_MS);
        ApplyResult result = poller.dequeue(command, waitMs);
        return new ApiResponse(result.status(), result.body());
    }

    /** Submits a write, at most once per client_id + request_id when both are given. */
    private static ApiResponse submit(ApiRequest request, QueueCommand command, Replica replica, RequestWaiter waiter)
            throws InterruptedException {
        String clientId = request.optionalString("client_id");
        String requestId = request.optionalString("request_id");
        if (requestId != null && clientId == null) {
            throw ApiException.badRequest("field 'client_id' is missing; request_id needs it to deduplicate");
        }
        return waiter.respond(replica.submit(clientId, requestId, command.encode()));
    }

    /** Null means the default queue; otherwise the name must be valid (400 naming {@code what}). */
    private static String queueName(String name, String what) {
        if (name == null) {
            return QueueNames.DEFAULT;
        }
        // The length limit holds for every endpoint: a dequeue or stats of a name no enqueue may use
        // was accepted before (and a long-polling dequeue of it waited out its whole wait_ms).
        if (!QueueNames.isValid(name) || name.length() > QueueNames.MAX_LENGTH) {
            throw ApiException.badRequest(what + " must be 1-" + QueueNames.MAX_LENGTH
                    + " characters of letters, digits, '.', '_' and '-', not '" + name + "'");
        }
        return name;
    }

    /** A positive whole number, as a JSON number or a string of digits. */
    static long msgId(ApiRequest request) {
        JsonNode v = request.json().get("msg_id");
        if (v == null || v.isNull()) {
            throw ApiException.badRequest("field 'msg_id' is missing");
        }
        String raw = v.isTextual() ? v.asText() : v.isIntegralNumber() && v.canConvertToLong() ? Long.toString(v.asLong()) : "";
        if (!raw.matches("[0-9]{1,18}") || Long.parseLong(raw) < 1) {
            throw ApiException.badRequest("field 'msg_id' must be a positive whole number, not " + v);
        }
        return Long.parseLong(raw);
    }

    /**
     * Ends the deliveries whose visibility timeout has run out by this leader's own monotonic clock
     * ({@code nowMs}), counting from when this leader first saw each delivery; wall clocks play no part.
     */
    @Override
    public List<byte[]> leaderDuties(long nowMs) {
        List<Long> ids = new ArrayList<>();
        List<Integer> deliveries = new ArrayList<>();
        Set<Long> live = new HashSet<>();
        for (QueueStateMachine.DeliveryView d : queues.liveDeliveries()) {
            live.add(d.msgId());
            if (countdowns.runOut(d.msgId(), d.delivery(), d.visibilityMs(), nowMs) && ids.size() < EXPIRE_BATCH) {
                ids.add(d.msgId());
                deliveries.add(d.delivery());
            }
        }
        countdowns.retainOnly(live);
        return ids.isEmpty() ? List.of() : List.of(new QueueCommand.ExpireDeliveries(ids, deliveries).encode());
    }

    @Override
    public void afterApply(long appliedIndex) {
        depths = queues.depthByQueue();
        totals = new long[] {queues.enqueuedTotal(), queues.deliveredTotal(), queues.ackedTotal(),
                queues.redeliveredTotal(), queues.deadLetteredTotal()};
    }

    @Override
    public void registerMetrics(PrometheusRegistry registry) {
        counter(registry, "queue_enq_total", "messages enqueued (committed)", 0);
        counter(registry, "queue_deq_total", "deliveries: committed dequeues that returned a message", 1);
        counter(registry, "queue_ack_total", "messages acknowledged and removed", 2);
        counter(registry, "queue_redelivered_total", "deliveries of a message delivered before", 3);
        counter(registry, "queue_dead_lettered_total", "messages moved to their queue's dead-letter queue", 4);
        GaugeWithCallback.builder().name("queue_stored_bytes")
                .help("estimated size of the unacknowledged messages of all queues (enqueues get 503 past queue_max_stored_bytes)")
                .callback(cb -> cb.call(queues.storedBytes())).register(registry);
        GaugeWithCallback.builder().name("queue_max_stored_bytes").help("the storage limit (QUEUE_MAX_BYTES)")
                .callback(cb -> cb.call(maxStoredBytes)).register(registry);
        GaugeWithCallback.builder().name("queue_depth").help("messages waiting for delivery (not in flight)")
                .labelNames("queue").callback(cb -> depths.forEach((q, d) -> cb.call(d[0], q))).register(registry);
        GaugeWithCallback.builder().name("queue_inflight").help("messages delivered and not yet acked or timed out")
                .labelNames("queue").callback(cb -> depths.forEach((q, d) -> cb.call(d[1], q))).register(registry);
    }

    private void counter(PrometheusRegistry registry, String name, String help, int slot) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(totals[slot])).register(registry);
    }
}
