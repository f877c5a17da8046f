package dev.dsync.queue;

import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.http.Route;
import dev.dsync.lease.LeaderCountdowns;
import dev.dsync.lease.LeaseClockBounds;
import dev.dsync.node.ServiceContext;
import dev.dsync.node.ServiceModule;
import dev.dsync.statemachine.StateMachine;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The queue service as a node hosts it: its endpoints ({@link QueueEndpoints}: requests turned
 * into queue commands, long-polling dequeues), visibility timeouts proposed by the leader, and the
 * queue metrics.
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
    /** Bound to the node's context by {@link #routes}. */
    private QueueEndpoints endpoints;
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
        endpoints = new QueueEndpoints(context, queues::storedBytes, maxStoredBytes);
        return endpoints.routes(context);
    }

    @Override
    public CompletableFuture<ApiResponse> call(ApiRequest request) {
        return endpoints.call(request);
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
