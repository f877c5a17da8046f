package dev.dsync.node;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.http.AdminToken;
import dev.dsync.http.ApiException;
import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.http.Route;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.transport.MemberDirectory;
import java.net.URI;
import java.util.List;

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
    private final MemberChanges.Forwarder forwarder;

    public MembersEndpoints(AdminToken admin, MembershipControl members, MemberChanges changes, RequestWaiter waiter,
                            MemberChanges.Forwarder forwarder) {
        this.admin = admin;
        this.members = members;
        this.changes = changes;
        this.waiter = waiter;
        this.forwarder = forwarder;
    }

    public List<Route> routes() {
        return List.of(
                Route.local("GET", PATH, this::list),
                Route.local("POST", PATH, this::add),
                Route.local("DELETE", PATH + "/{id}", this::remove));
    }

    ApiResponse add(ApiRequest request) throws InterruptedException {
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

    ApiResponse remove(ApiRequest request) throws InterruptedException {
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
    ApiResponse list(ApiRequest request) throws InterruptedException {
        String leader = members.leaderId();
        if (!members.isLeader() && leader != null && !request.forwarded()) {
            try {
                return forwarder.forward(leader, request);
            } catch (ApiException unreachable) {
                // fall through: this node's own view is better than no answer
            }
        }
        MembershipControl.MemberList list = waiter.await(members.members(), waiter.timeoutMs());
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
    }
}
