package dev.dsync.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.http.ApiException;
import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.http.Route;
import dev.dsync.node.BoundedReplica;
import dev.dsync.node.Replica;
import dev.dsync.node.ServiceContext;
import dev.dsync.node.Timers;
import dev.dsync.statemachine.ApplyResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The queue service's client endpoints. Each runs as a future ({@link #call}) on the node's
 * {@link Replica}, every step bounded on the node's {@link Timers}: the HTTP route only waits for
 * it, and the simulation's clients call {@link #call} itself, so both run the same handling.
 * Every state change (a dequeue's lease included) goes through the log; nothing is served from
 * local memory.
 */
final class QueueEndpoints {
    static final List<String> PATHS = List.of("/queue/enq", "/queue/deq", "/queue/ack", "/queue/nack", "/queue/stats");

    private final BoundedReplica calls;
    private final DequeuePoller poller;
    /** The applied table's estimated size: every enqueue and ack already answered counts in it. */
    private final LongSupplier storedBytes;
    private final long maxStoredBytes;

    QueueEndpoints(ServiceContext context, LongSupplier storedBytes, long maxStoredBytes) {
        this.calls = new BoundedReplica(context);
        this.poller = new DequeuePoller(calls, context.clock());
        this.storedBytes = storedBytes;
        this.maxStoredBytes = maxStoredBytes;
    }

    List<Route> routes(ServiceContext context) {
        // A dequeue's steps: wait_ms of polling, then its proposal.
        Route.Handler handler = context.waiter().waitingFor(this::call, QueueService.MAX_WAIT_MS + 3 * calls.timeoutMs() + 1000L);
        return PATHS.stream().map(path -> Route.leader(path.equals("/queue/stats") ? "GET" : "POST", path, handler)).toList();
    }

    /**
     * One request, as its HTTP route hands it over. Bad input fails at once (an {@link ApiException}
     * 4xx); everything else is answered by the future, which fails with an {@link ApiException} for
     * an error answer (503: certainly not done; 504 or "outcome":"unknown": may be done).
     */
    CompletableFuture<ApiResponse> call(ApiRequest request) {
        return switch (request.path()) {
            case "/queue/enq" -> enqueue(request);
            case "/queue/deq" -> dequeue(request);
            case "/queue/ack" -> submit(request, new QueueCommand.Ack(msgId(request), request.optionalString("receipt")));
            case "/queue/nack" -> submit(request, new QueueCommand.Nack(msgId(request), request.requiredString("receipt"),
                    request.optionalLong("delay_ms", 0, 0, QueueService.MAX_DELAY_MS)));
            case "/queue/stats" -> {
                String queue = queueName(request.queryParamOr("queue", QueueNames.DEFAULT), "query parameter 'queue'");
                yield calls.read(sm -> ((QueueStateMachine) sm).stats(queue));
            }
            default -> throw new ApiException(404, "no queue endpoint " + request.path());
        };
    }

    private CompletableFuture<ApiResponse> enqueue(ApiRequest request) {
        String queue = queueName(request.optionalString("queue"), "field 'queue'");
        if (QueueNames.isDeadLetter(queue)) {
            throw ApiException.badRequest("field 'queue' names a dead-letter queue (ends in .dlq); only the service fills those");
        }
        String key = request.requiredString("key");
        JsonNode value = request.requiredValue("value");
        int maxDeliveries = (int) request.optionalLong("max_deliveries", QueueService.DEFAULT_MAX_DELIVERIES, 1,
                QueueCommand.MAX_DELIVERIES_LIMIT);
        long stored = storedBytes.getAsLong();
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
        return submit(request, new QueueCommand.Enqueue(queue, key, value, maxDeliveries));
    }

    private CompletableFuture<ApiResponse> dequeue(ApiRequest request) {
        QueueCommand.Dequeue command = new QueueCommand.Dequeue(
                queueName(request.optionalString("queue"), "field 'queue'"),
                request.optionalString("consumer_id"),
                request.optionalLong("visibility_ms", QueueService.DEFAULT_VISIBILITY_MS, 1, QueueService.MAX_VISIBILITY_MS),
                (int) request.optionalLong("partition", QueueCommand.ANY_PARTITION, 0, PartitionRing.PARTITIONS - 1));
        long waitMs = request.optionalLong("wait_ms", 0, 0, QueueService.MAX_WAIT_MS);
        return poller.dequeue(command, waitMs).thenApply(result -> new ApiResponse(result.status(), result.body()));
    }

    /** Submits a write, at most once per client_id + request_id when both are given. */
    private CompletableFuture<ApiResponse> submit(ApiRequest request, QueueCommand command) {
        String clientId = request.optionalString("client_id");
        String requestId = request.optionalString("request_id");
        if (requestId != null && clientId == null) {
            throw ApiException.badRequest("field 'client_id' is missing; request_id needs it to deduplicate");
        }
        return calls.submit(clientId, requestId, command.encode());
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
    private static long msgId(ApiRequest request) {
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
}
