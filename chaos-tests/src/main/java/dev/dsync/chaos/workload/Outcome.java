package dev.dsync.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How a client classifies one HTTP exchange with a node, following the services' contract:
 * 2xx happened, a definite refusal (4xx, or 503 without "outcome":"unknown") did not happen,
 * and a timeout, 504, lost connection or an answer we cannot read is unknown.
 */
public record Outcome(Kind kind, int status, JsonNode body, String error) {
    public enum Kind { OK, FAIL, INFO }

    public static Outcome of(int status, JsonNode body) {
        String error = body != null && body.has("error") ? body.get("error").asText() : null;
        if (status / 100 == 2) {
            return new Outcome(Kind.OK, status, body, null);
        }
        if (status == 504 || status >= 500 && status != 503
                || body != null && "unknown".equals(body.path("outcome").asText())) {
            return new Outcome(Kind.INFO, status, body, "HTTP " + status + (error == null ? "" : " " + error));
        }
        return new Outcome(Kind.FAIL, status, body, "HTTP " + status + (error == null ? "" : " " + error));
    }

    public static Outcome unknown(Exception e) {
        return new Outcome(Kind.INFO, -1, null, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }
}
