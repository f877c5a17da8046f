package dev.dsync.lock;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.statemachine.ApplyResult;
import java.util.List;

/** The JSON bodies of the lock service's answers, as the product spec words them. */
final class LockResponses {
    static final String NOT_HELD_OR_WAITING = "client neither holds nor waits for this lock";
    static final String NOT_WAITING = "client neither waits for nor holds this lock";
    static final String NO_LOCKS = "client holds no locks";

    private LockResponses() {}

    static ApplyResult granted(LockGrant grant) {
        ObjectNode body = ApplyResult.object();
        body.put("granted", true);
        body.put("fence", grant.fence());
        body.put("mode", grant.mode().name());
        body.put("expires_at_ms", grant.expiresAtMs());
        return ApplyResult.ok(body);
    }

    /** 409: busy and the client chose not to wait (or gave up waiting). */
    static ApplyResult busy(List<String> holders) {
        ObjectNode body = ApplyResult.object();
        body.put("granted", false);
        strings(body.putArray("holders"), holders);
        body.putNull("queue_position");
        return new ApplyResult(409, body);
    }

    /**
     * The answer to a request for {@code asked} whose wait was withdrawn: the withdrawal answers with
     * the client's hold when it holds the key, but an S hold is no answer to a request for X (an
     * upgrade withdrawn after another attempt of the same request already withdrew it): that request
     * was refused, and the client keeps its S.
     */
    static ApplyResult afterWithdrawal(ApplyResult withdrawn, LockMode asked) {
        boolean weaker = withdrawn.status() == 200 && asked == LockMode.X
                && !LockMode.X.name().equals(withdrawn.body().path("mode").asText());
        return weaker ? busy(List.of()) : withdrawn;
    }

    /** 202: the request waits at 1-based {@code position}. */
    static ApplyResult queued(List<String> holders, int position) {
        ObjectNode body = ApplyResult.object();
        body.put("granted", false);
        body.put("queued", true);
        strings(body.putArray("holders"), holders);
        body.put("queue_position", position);
        return new ApplyResult(202, body);
    }

    static ApplyResult deadlock(List<String> cycle) {
        ObjectNode body = ApplyResult.object();
        body.put("error", "deadlock");
        strings(body.putArray("cycle"), cycle);
        return new ApplyResult(409, body);
    }

    static ApplyResult released(boolean wasWaiting) {
        ObjectNode body = ApplyResult.object();
        body.put("released", true);
        if (wasWaiting) {
            body.put("was_waiting", true);
        }
        return ApplyResult.ok(body);
    }

    static ApplyResult renewed(int locks) {
        ObjectNode body = ApplyResult.object();
        body.put("renewed", true);
        body.put("locks", locks);
        return ApplyResult.ok(body);
    }

    static ApplyResult expired(List<String> clientIds) {
        ObjectNode body = ApplyResult.object();
        strings(body.putArray("expired"), clientIds);
        return ApplyResult.ok(body);
    }

    static ApplyResult malformed() {
        return ApplyResult.error(400, "malformed lock command");
    }

    static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
