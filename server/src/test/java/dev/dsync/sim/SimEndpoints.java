package dev.dsync.sim;

import dev.dsync.http.AdminToken;
import dev.dsync.http.ApiException;
import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.http.LeaderRouting;
import dev.dsync.http.Route;
import dev.dsync.node.MemberChanges;
import dev.dsync.node.MembersEndpoints;
import dev.dsync.node.RequestWaiter;
import dev.dsync.node.ServiceContext;
import dev.dsync.node.ServiceModule;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A simulated node's request entry, for one lifetime of the node, in place of its HTTP router: it
 * binds the node's service to the simulation's world (its {@link SimReplica}, timers, clock, and
 * calls to the leader over the simulated network), and serves a request by the service's own route
 * table, and the node's membership endpoints. A leader route reached at a follower goes to the leader in one hop or is refused, by the
 * router's own rule ({@link LeaderRouting}); every route is then handled by the service's
 * {@link ServiceModule#call}, the entry point its HTTP route waits on.
 */
final class SimEndpoints {
    /** The nodes' request time limit: shorter than the clients' patience at times, longer at others. */
    static final long REQUEST_TIMEOUT_MS = 600;
    /** How long a node waits for the leader's answer to a request it passed on (the clients' waits are shorter). */
    static final long FORWARD_WAIT_MS = 4 * REQUEST_TIMEOUT_MS;
    /** Every node's admin token: the membership nemesis is the operator and presents it. */
    static final String ADMIN_TOKEN = "sim-admin";

    private final SimNode node;
    private final ServiceModule module;
    private final SimLeaderCalls leaderCalls;
    private final Map<String, Route.Where> whereByPath = new HashMap<>();
    /** The node's {@code /cluster/members} endpoints, the operator's way to change the membership. */
    private final MembersEndpoints members;

    SimEndpoints(Simulation sim, SimNode node, ServiceModule module) {
        this.node = node;
        this.module = module;
        SimTimers timers = new SimTimers(sim, node);
        this.leaderCalls = new SimLeaderCalls(sim, node, timers, (at, request, from) -> at.endpoints.serve(request, from));
        ServiceContext context = new ServiceContext(node.id, node.replica, new RequestWaiter(REQUEST_TIMEOUT_MS), leaderCalls,
                sim.service.clock(node), timers);
        for (Route route : module.routes(context)) {
            whereByPath.put(route.path(), route.where());
        }
        module.registerMetrics(node.registry);
        MemberChanges changes = new MemberChanges(node.id, node.replica, REQUEST_TIMEOUT_MS, context.clock(), timers, leaderCalls);
        this.members = new MembersEndpoints(new AdminToken(ADMIN_TOKEN), node.replica, changes, context.waiter(), leaderCalls, timers);
    }

    /**
     * A scrape of the node's metrics (its Raft metrics and its service's), as {@code GET /metrics}
     * takes it: every gauge and counter read in the state as it is.
     */
    void scrapeMetrics() {
        if (node.registry.scrape().size() == 0) {
            throw new AssertionError(node.id + " registered no metrics");
        }
    }

    /**
     * A request arriving at this node, from a client ({@code forwardedBy} null) or passed on by
     * another node. Fails with an {@link ApiException} for an error answer, as the service's
     * futures do.
     */
    CompletableFuture<ApiResponse> serve(ApiRequest request, String forwardedBy) {
        try {
            if (request.path().startsWith(MembersEndpoints.PATH)) {
                return members.call(request); // served where it arrives; it forwards changes itself
            }
            Route.Where where = whereByPath.get(request.path());
            if (where == null) {
                throw new ApiException(404, "no route " + request.method() + " " + request.path());
            }
            ApiException removed = node.replica.view().serviceRefusal(); // as the node's router gates every service route
            if (removed != null) {
                throw removed;
            }
            if (where == Route.Where.LEADER) {
                String leader = LeaderRouting.forwardTarget(node.replica.isLeader(), node.replica.leaderId(), forwardedBy);
                if (leader != null) {
                    return leaderCalls.forward(leader, request.asForwarded(), FORWARD_WAIT_MS);
                }
            }
            return module.call(request);
        } catch (ApiException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
