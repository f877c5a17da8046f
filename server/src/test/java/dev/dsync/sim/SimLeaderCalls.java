package dev.dsync.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.http.ApiException;
import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.http.LeaderCalls;
import dev.dsync.http.Router;
import dev.dsync.node.Futures;
import dev.dsync.statemachine.CommandCodec;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A simulated node's {@link LeaderCalls}: one HTTP call as the simulated network carries it. The
 * request and the answer each travel once (never duplicated, as on one connection), and may be
 * delayed, lost or cut; the caller's wait is a timer of its own lifetime, so a lost message, a
 * crashed leader or a cut ends in a 504 "outcome unknown", as an HTTP timeout does. The leader
 * handles the request with {@code handler}: the same entry point its HTTP route calls.
 */
final class SimLeaderCalls implements LeaderCalls {
    private final Simulation sim;
    private final SimNode node;
    private final int incarnation;
    private final SimTimers timers;
    private final Handler handler;

    /** How the node called handles a request: {@code at} is that node, {@code from} the caller's id. */
    @FunctionalInterface
    interface Handler {
        CompletableFuture<ApiResponse> handle(SimNode at, ApiRequest request, String from);
    }

    SimLeaderCalls(Simulation sim, SimNode node, SimTimers timers, Handler handler) {
        this.sim = sim;
        this.node = node;
        this.incarnation = node.incarnation;
        this.timers = timers;
        this.handler = handler;
    }

    @Override
    public CompletableFuture<ApiResponse> post(String leaderId, String path, JsonNode body, long waitMs) {
        if (leaderId == null) {
            return CompletableFuture.failedFuture(new ApiException(503, Router.errorWithLeader("no leader elected; retry shortly", null)));
        }
        byte[] bytes;
        try {
            bytes = CommandCodec.STRICT_JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode request to " + path, e);
        }
        return forward(leaderId, new ApiRequest("POST", path, Map.of(), bytes, true), waitMs);
    }

    @Override
    public CompletableFuture<ApiResponse> forward(String leaderId, ApiRequest request, long waitMs) {
        String path = request.path();
        CompletableFuture<ApiResponse> answer = new CompletableFuture<>();
        timers.after(waitMs, () -> answer.completeExceptionally(new ApiException(504, Router.timeoutBody())));
        sim.sendService(node.id, leaderId, path, false, leader -> {
            CompletableFuture<ApiResponse> handled;
            try {
                handled = handler.handle(leader, request, node.id);
            } catch (ApiException e) {
                handled = CompletableFuture.failedFuture(e);
            }
            handled.whenComplete((response, error) -> {
                ApiResponse reply;
                try {
                    reply = Futures.answer(response, error);
                } catch (RuntimeException bug) {
                    sim.bug(bug);
                    return;
                }
                sim.sendService(leaderId, node.id, path + " answer", false, caller -> {
                    if (caller.incarnation == incarnation) {
                        answer.complete(reply);
                    }
                });
            });
        });
        return answer;
    }
}
