package dev.dsync.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletableFuture;

/**
 * A service's calls to the leader's peer endpoints, on behalf of this node. The node binds HTTP
 * ({@link LeaderForwarder}); the simulation its network. The answer is the leader's, unchanged;
 * the future fails with an {@link ApiException} when the leader could not be asked: 503 when the
 * request certainly never reached it (none known, connection refused), 504 ("outcome unknown")
 * when it may have.
 */
public interface LeaderCalls {
    CompletableFuture<ApiResponse> post(String leaderId, String path, JsonNode body, long waitMs);

    /** A client's request as it arrived here, passed on to the leader once (marked forwarded). */
    CompletableFuture<ApiResponse> forward(String leaderId, ApiRequest request, long waitMs);
}
