package dev.dsync.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.http.AdminToken;
import dev.dsync.http.ApiException;
import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.http.LeaderCalls;
import dev.dsync.http.Router;
import dev.dsync.raft.Membership;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The membership endpoints' own checks (token, input) and how a change rides out refusals and a hand-over. */
class MembersEndpointsTest {
    private static final String TOKEN = "s3cret";

    /** A Raft loop stand-in: answers each change with the next scripted future, and records the calls. */
    private static final class FakeLoop implements MembershipControl {
        final List<String> calls = new ArrayList<>();
        final List<CompletableFuture<Long>> answers = new ArrayList<>();
        boolean leader = true;
        String leaderId = "lock-1";
        Runnable onCall = () -> { };

        private CompletableFuture<Long> next(String call) {
            calls.add(call);
            onCall.run();
            return answers.isEmpty() ? CompletableFuture.completedFuture(42L) : answers.removeFirst();
        }

        @Override
        public CompletableFuture<Long> addLearner(String id, String url) {
            return next("add " + id + " " + url);
        }

        @Override
        public CompletableFuture<Long> removeMember(String id) {
            return next("remove " + id);
        }

        @Override
        public CompletableFuture<MemberList> members() {
            return CompletableFuture.completedFuture(new MemberList(leaderId, List.of()));
        }

        @Override
        public MembershipView view() {
            return new MembershipView(Membership.EMPTY, false, 0);
        }

        @Override
        public boolean isLeader() {
            return leader;
        }

        @Override
        public String leaderId() {
            return leaderId;
        }
    }

    private final FakeLoop loop = new FakeLoop();
    private final List<String> forwarded = new ArrayList<>();
    private long nowMs;
    /** Time passes only when the code under test pauses. */
    private final Timers timers = (delayMs, action) -> {
        nowMs += delayMs;
        action.run();
        return () -> { };
    };
    private final NodeClock clock = NodeClock.of(() -> nowMs);
    private final LeaderCalls forwarder = new LeaderCalls() {
        @Override
        public CompletableFuture<ApiResponse> post(String leaderId, String path, JsonNode body, long waitMs) {
            throw new AssertionError("membership changes forward requests, they post nothing");
        }

        @Override
        public CompletableFuture<ApiResponse> forward(String leader, ApiRequest request, long waitMs) {
            forwarded.add(request.method() + " " + request.path() + " to " + leader);
            return CompletableFuture.completedFuture(ApiResponse.ok(ApiRequestJson.object("forwarded", leader)));
        }
    };

    private MembersEndpoints endpoints(String adminToken) {
        RequestWaiter waiter = new RequestWaiter(5000);
        return new MembersEndpoints(new AdminToken(adminToken), loop,
                new MemberChanges("lock-1", loop, waiter.timeoutMs(), clock, timers, forwarder), waiter, forwarder, timers);
    }

    /** The answer of a call that finished (the fake timers run at once), or its error answer thrown. */
    private static ApiResponse done(CompletableFuture<ApiResponse> call) {
        assertTrue(call.isDone(), "the call is still waiting");
        try {
            return call.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw Futures.apiError(e);
        }
    }

    private static ApiRequest post(String body, String authorization) {
        return new ApiRequest("POST", "/cluster/members", Map.of(), body.getBytes(StandardCharsets.UTF_8), false, authorization);
    }

    private static ApiRequest delete(String id, String authorization) {
        return new ApiRequest("DELETE", "/cluster/members/" + id, Map.of(), new byte[0], false, authorization);
    }

    private static ApiException refused(int status, org.junit.jupiter.api.function.Executable call) {
        ApiException e = assertThrows(ApiException.class, call);
        assertEquals(status, e.status(), e.body().toString());
        return e;
    }

    private static final String GOOD = "{\"id\":\"lock-4\",\"url\":\"http://127.0.0.1:8003\"}";

    @Test
    void withoutAnAdminTokenChangesAreDisabled() {
        MembersEndpoints e = endpoints("");
        ApiException add = refused(403, () -> done(e.add(post(GOOD, "Bearer anything"))));
        assertEquals("membership changes are disabled: start the nodes with --admin-token", add.body().path("error").asText());
        refused(403, () -> done(e.remove(delete("lock-2", null))));
        assertEquals(List.of(), loop.calls);
    }

    @Test
    void aMissingOrWrongTokenIs401() {
        MembersEndpoints e = endpoints(TOKEN);
        for (String authorization : new String[] {null, "", "Bearer", "Bearer wrong", "Bearer s3cre", "Bearer s3cretX", "Basic s3cret", TOKEN}) {
            ApiException refusal = refused(401, () -> done(e.add(post(GOOD, authorization))));
            assertTrue(refusal.body().path("error").asText().contains("admin token"), refusal.body().toString());
            assertEquals("Bearer realm=\"dsync\"", refusal.headers().get("WWW-Authenticate"));
            refused(401, () -> done(e.remove(delete("lock-2", authorization))));
        }
        // The check comes first: a bad body from a caller without the token learns nothing.
        refused(401, () -> done(e.add(post("{", "Bearer wrong"))));
        assertEquals(List.of(), loop.calls);
    }

    @Test
    void badInputIs400NamingTheProblem() {
        MembersEndpoints e = endpoints(TOKEN);
        String ok = "Bearer " + TOKEN;
        Map<String, String> bodies = Map.of(
                "{\"url\":\"http://127.0.0.1:8003\"}", "field 'id' is missing",
                "{\"id\":\"lock 4\",\"url\":\"http://127.0.0.1:8003\"}", "field 'id' must be 1-64 of",
                "{\"id\":\"" + "x".repeat(65) + "\",\"url\":\"http://127.0.0.1:8003\"}", "field 'id' must be 1-64 of",
                "{\"id\":\"lock-4\"}", "field 'url' is missing",
                "{\"id\":\"lock-4\",\"url\":\"127.0.0.1:8003\"}", "field 'url' must be an absolute http://host:port URL",
                "{\"id\":\"lock-4\",\"url\":\"https://h:8003\"}", "field 'url' must be",
                "{\"id\":\"lock-4\",\"url\":\"http://h:8003/x\"}", "field 'url' must be",
                "{\"id\":\"lock-4\",\"url\":\"http://h:8003 x\"}", "field 'url' must be",
                "[1]", "must be a JSON object");
        bodies.forEach((body, problem) -> {
            ApiException refusal = refused(400, () -> done(e.add(post(body, ok))));
            assertTrue(refusal.body().path("error").asText().contains(problem), body + " -> " + refusal.body());
        });
        refused(400, () -> done(e.remove(delete("a%2Fb", ok))));
        refused(400, () -> done(e.remove(delete("x".repeat(65), ok))));
        assertEquals(List.of(), loop.calls);
    }

    @Test
    void aValidAddIsAnsweredOnceCommittedAfterRefusalsForNow() throws Exception {
        MembersEndpoints e = endpoints(TOKEN);
        loop.answers.add(CompletableFuture.failedFuture(new ApiException(503, Router.errorWithLeader("a membership change is in progress", "lock-1"),
                Map.of("Retry-After", "1"))));
        loop.answers.add(CompletableFuture.completedFuture(17L));
        ApiResponse added = done(e.add(post("{\"id\":\"lock-4\",\"url\":\"http://127.0.0.1:8003/\"}", "bearer " + TOKEN)));
        assertEquals(202, added.status());
        assertEquals("{\"id\":\"lock-4\",\"url\":\"http://127.0.0.1:8003\",\"role\":\"learner\",\"index\":17}", added.body().toString());
        assertEquals(List.of("add lock-4 http://127.0.0.1:8003", "add lock-4 http://127.0.0.1:8003"), loop.calls);
    }

    @Test
    void aRefusalForNowBecomes503WithRetryAfterOnceTheTimeoutPasses() {
        MembersEndpoints e = endpoints(TOKEN);
        loop.onCall = () -> loop.answers.add(CompletableFuture.failedFuture(new ApiException(503,
                Router.errorWithLeader("the new leader has not yet committed an entry of its term", "lock-1"), Map.of("Retry-After", "1"))));
        ApiException refusal = refused(503, () -> done(e.remove(delete("lock-3", "Bearer " + TOKEN))));
        assertEquals("1", refusal.headers().get("Retry-After"));
        assertTrue(loop.calls.size() > 10, "retried only " + loop.calls.size() + " times");
        assertTrue(nowMs <= 5000, "went past the request timeout: " + nowMs);
    }

    @Test
    void aFinalRefusalIsAnsweredAtOnce() {
        MembersEndpoints e = endpoints(TOKEN);
        loop.answers.add(CompletableFuture.failedFuture(new ApiException(404, "lock-9 is not a member")));
        refused(404, () -> done(e.remove(delete("lock-9", "Bearer " + TOKEN))));
        assertEquals(1, loop.calls.size());
    }

    @Test
    void removingTheLeaderGoesOnToTheNewLeaderOnceItIsKnown() throws Exception {
        MembersEndpoints e = endpoints(TOKEN);
        loop.answers.add(CompletableFuture.failedFuture(new ApiException(503, Router.errorWithLeader("this node is the leader: it hands leadership to lock-2 first", null))));
        loop.onCall = () -> {
            loop.leader = false; // the hand-over: the loop sees lock-2 take over
            loop.leaderId = "lock-2";
        };
        ApiResponse answer = done(e.remove(delete("lock-1", "Bearer " + TOKEN)));
        assertEquals(200, answer.status());
        assertEquals(List.of("DELETE /cluster/members/lock-1 to lock-2"), forwarded);
    }

    @Test
    void aFollowerForwardsOnceAndAForwardedRequestIsNotForwardedAgain() throws Exception {
        MembersEndpoints e = endpoints(TOKEN);
        loop.leader = false;
        loop.leaderId = "lock-2";
        assertEquals(200, done(e.add(post(GOOD, "Bearer " + TOKEN))).status());
        assertEquals(List.of("POST /cluster/members to lock-2"), forwarded);
        ApiRequest again = new ApiRequest("POST", "/cluster/members", Map.of(), GOOD.getBytes(StandardCharsets.UTF_8), true, "Bearer " + TOKEN);
        refused(503, () -> done(e.add(again)));
        assertEquals(List.of(), loop.calls);
    }

    /** Tiny JSON helper for the fake forwarder's answers. */
    private static final class ApiRequestJson {
        static com.fasterxml.jackson.databind.node.ObjectNode object(String field, String value) {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put(field, value);
        }
    }
}
