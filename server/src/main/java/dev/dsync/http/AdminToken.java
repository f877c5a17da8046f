package dev.dsync.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * The admin token that administrative calls (membership changes) must present as
 * {@code Authorization: Bearer <token>}. With none configured, those calls are disabled (403)
 * rather than open: a cluster's membership is not something anyone who reaches a port may change.
 *
 * <p>The comparison takes the same time whatever the presented token is: both sides are hashed
 * first, so neither a shared prefix nor a difference in length shows in the timing.
 */
public final class AdminToken {
    private static final String SCHEME = "Bearer ";
    private final byte[] expectedHash;

    /** @param token the configured token; empty means none */
    public AdminToken(String token) {
        this.expectedHash = token.isEmpty() ? null : sha256(token);
    }

    /** Throws the answer to give unless {@code request} carries the token: 403 when none is configured, else 401. */
    public void check(ApiRequest request) {
        if (expectedHash == null) {
            throw new ApiException(403, "membership changes are disabled: start the nodes with --admin-token");
        }
        String header = request.authorization();
        String presented = header != null && header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                ? header.substring(SCHEME.length()).trim() : "";
        if (!MessageDigest.isEqual(expectedHash, sha256(presented)) || presented.isEmpty()) {
            throw new ApiException(401, JsonNodeFactory.instance.objectNode()
                    .put("error", "missing or wrong admin token: send 'Authorization: Bearer <token>'"),
                    Map.of("WWW-Authenticate", "Bearer realm=\"dsync\""));
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
