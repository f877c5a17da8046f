package dev.dsync.node;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.http.AdminToken;
import dev.dsync.http.ApiException;
import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.http.LeaderCalls;
import dev.dsync.http.Route;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.transport.MemberDirectory;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /cluster/members}: list the members (any node; a follower asks the leader, which alone
 * knows how far each member's log matches), add one ({@code POST}) and remove one ({@code DELETE
 * /cluster/members/{id}}). Changes need the admin token and are made by {@link MemberChanges}.
 * The routes are served where they arrive (not {@link Route.Where#LEADER}): the token is checked
 * and the input validated before anything is forwarded, and a list still answers, from this node's
 * own configuration, when no leader can be asked.
 */
public final class MembersEndpoints {
    public static final String PATH = "/cluster/members";

    private final AdminToken admin;
    private final MembershipControl members;
    private final MemberChanges changes;
    private final RequestWaiter waiter;
    private final LeaderCalls leaderCalls;
    private final Timers timers;

    public MembersEndpoints(AdminToken admin, MembershipControl members, MemberChanges changes, RequestWaiter waiter,
                            LeaderCalls leaderCalls, Timers timers) {
        this.admin = admin;
        this.members = members;
        this.changes = changes;
        this.waiter = waiter;
        this.leaderCalls = leaderCalls;
        this.timers = timers;
    }

    /** The routes: each waits for {@link #call}, which bounds its own steps (this only catches one that forgot to). */
    public List<Route> routes() {
        long safetyNetMs = 3 * waiter.timeoutMs() + 2000L;
        Route.Handler handler = waiter.waitingFor(this::call, safetyNetMs);
        return List.of(
                Route.local("GET", PATH, handler),
                Route.local("POST", PATH, handler),
                Route.local("DELETE", PATH + "/{id}", handler));
    }

    /**
     * A request to {@code /cluster/members} (list, add) or {@code /cluster/members/{id}} (remove), as
     * its HTTP route hands it over: the entry point the simulation's operator calls too. Bad input
     * and a missing or wrong token fail at once with an {@link ApiException}; the future fails with
     * one for an error answer.
     */
    public CompletableFuture<ApiResponse> call(ApiRequest request) {
        if (request.path().equals(PATH)) {
            return switch (request.method()) {
                case "GET" -> list(request);
                case "POST" -> add(request);
                default -> throw new ApiException(405, request.method() + " is not allowed on " + PATH);
            };
        }
        if (request.path().startsWith(PATH + "/") && request.method().equals("DELETE")) {
            return remove(request);
        }
        throw new ApiException(404, "no membership endpoint " + request.method() + " " + request.path());
    }

    CompletableFuture<ApiResponse> add(ApiRequest request) {
        admin.check(request);
        String id = validId(request.requiredString("id"), "field 'id'");
        String rawUrl = request.requiredString("url");
        URI url = MemberDirectory.parse(rawUrl);
        if (url == null) {
            throw ApiException.badRequest("field 'url' must be an absolute http://host:port URL with no path, not '"
                    + rawUrl + "' (peers speak plain HTTP to each other)");
        }
        return changes.add(request, id, url.toString());
    }

    CompletableFuture<ApiResponse> remove(ApiRequest request) {
        admin.check(request);
        String id = validId(request.path().substring(PATH.length() + 1), "the id in the path");
        return changes.remove(request, id);
    }

    private static String validId(String id, String what) {
        if (!NodeConfig.NODE_ID.matcher(id).matches()) {
            throw ApiException.badRequest(what + " must be 1-64 of A-Z a-z 0-9 . _ -, not '" + id + "'");
        }
        return id;
    }

    /** The leader's list; this node's own (no match indexes) when it cannot ask one. */
    CompletableFuture<ApiResponse> list(ApiRequest request) {
        String leader = members.leaderId();
        if (!members.isLeader() && leader != null && !request.forwarded()) {
            // An unreachable leader: this node's own view is better than no answer.
            return leaderCalls.forward(leader, request.asForwarded(), waiter.timeoutMs() + 1000L)
                    .exceptionallyCompose(error -> {
                        Futures.apiError(error); // rethrows what is no answer from the network (a bug)
                        return ownList();
                    });
        }
        return ownList();
    }

    private CompletableFuture<ApiResponse> ownList() {
        return Futures.within(members.members(), waiter.timeoutMs(), timers).thenApply(list -> {
            ObjectNode body = ApplyResult.object();
            if (list.leader() == null) {
                body.putNull("leader");
            } else {
                body.put("leader", list.leader());
            }
            ArrayNode array = body.putArray("members");
            for (MembershipControl.Member m : list.members()) {
                ObjectNode member = array.addObject().put("id", m.id()).put("url", m.url()).put("role", m.role());
                if (m.matchIndex() == null) {
                    member.putNull("match_index");
                } else {
                    member.put("match_index", m.matchIndex());
                }
            }
            return ApiResponse.ok(body);
        });
    }
}
