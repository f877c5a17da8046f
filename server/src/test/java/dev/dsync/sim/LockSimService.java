package dev.dsync.sim;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.lease.LeaseClockBounds;
import dev.dsync.lock.LockCommand;
import dev.dsync.lock.LockGrant;
import dev.dsync.lock.LockInvariants;
import dev.dsync.lock.LockMode;
import dev.dsync.lock.LockService;
import dev.dsync.lock.LockStateMachine;
import dev.dsync.node.NodeClock;
import dev.dsync.node.ServiceModule;
import dev.dsync.raft.Entry;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.statemachine.Envelope;
import dev.dsync.statemachine.StateMachine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The lock service in the simulation. Every node runs the production {@link LockService}: its
 * endpoints ({@code LockEndpoints}: acquires that wait for their grant and withdraw at wait_ms,
 * releases, renewals, status reads) and its leader duty (expiry of sessions whose lease ran out by
 * the leader's clock). Clients: a few clients on a few keys (so they contend) call the endpoints
 * as HTTP clients do, and retry earlier requests (so sessions deduplicate). Checks, after every
 * apply and every restore on every node: {@link LockInvariants}, fences that only grow per key on
 * a node, and one grant per (key, fence, client) across nodes; and every grant a client was
 * answered is one the nodes applied.
 */
final class LockSimService implements SimService {
    private static final int CLIENTS = 6;
    private static final int KEYS = 3;

    private record LastFence(long fence, LockMode mode) {}

    private final Simulation sim;
    /** Recently sent writes, any client's: a retry resends one of them (at most once applied). */
    private final List<ApiRequest> sent = new ArrayList<>();
    /** What each client waits for an answer to, when it sent it, and whether it is a retry of an earlier request. */
    private final ApiRequest[] pending = new ApiRequest[CLIENTS];
    private final long[] sentAtMs = new long[CLIENTS];
    private final boolean[] retrying = new boolean[CLIENTS];
    /** Per client, the send time of its latest acquire or renew answered 200 (not a retry): its lease runs from no earlier. */
    private final Map<String, Long> refreshedAtLeastMs = new HashMap<>();
    /** The highest index any node applied: an entry above it is being applied for the first time. */
    private long highestApplied;
    /** Per node, the clients holding a lease after its last apply. */
    private final Map<String, Set<String>> leaseHolders = new HashMap<>();
    private final Map<String, Map<String, LastFence>> fencesPerNode = new HashMap<>();
    private final Map<String, LockMode> grantByKeyFenceClient = new HashMap<>();
    private long requestSeq;
    /** Each node's service for its current lifetime (the simulation uses its state machine and its leader duty). */
    private final Map<String, LockService> services = new HashMap<>();

    LockSimService(Simulation sim) {
        this.sim = sim;
    }

    @Override
    public String name() {
        return "lock";
    }

    @Override
    public StateMachine newStateMachine(SimNode n) {
        LockService service = new LockService();
        services.put(n.id, service);
        return service.stateMachine();
    }

    @Override
    public int clients() {
        return CLIENTS;
    }

    @Override
    public ApiRequest nextRequest(int client) {
        sentAtMs[client] = sim.now;
        if (sim.random.nextInt(100) < 9 && !sent.isEmpty()) {
            pending[client] = sent.get(sim.random.nextInt(sent.size())); // a client retrying: at most once
            retrying[client] = true; // its answer may be the first attempt's, from long ago: no evidence of a refresh now
            return pending[client];
        }
        retrying[client] = false;
        String clientId = "c" + client;
        String key = "k" + sim.random.nextInt(KEYS);
        ObjectNode body = ApplyResult.object().put("key", key).put("client_id", clientId);
        String path = switch (sim.random.nextInt(11)) {
            case 0, 1, 2, 3, 4 -> {
                body.put("mode", sim.random.nextBoolean() ? "S" : "X").put("ttl_ms", ttlMs(client));
                if (sim.random.nextInt(3) != 0) {
                    body.put("wait_ms", 20 + sim.random.nextInt(400)); // waits for its grant, then withdraws
                }
                yield "/lock/acquire";
            }
            case 5, 6, 7 -> "/lock/release";
            case 8 -> "/lock/renew";
            case 9 -> "/lock/status";
            default -> {
                // A release of a request still waiting withdraws it: an acquire that waits briefly, then a release.
                body.put("mode", "X").put("ttl_ms", ttlMs(client)).put("wait_ms", 1);
                yield "/lock/acquire";
            }
        };
        if (path.equals("/lock/status")) {
            pending[client] = new ApiRequest("GET", path, Map.of("key", key), new byte[0], false);
            return pending[client];
        }
        body.put("request_id", "r" + (requestSeq++));
        ApiRequest request = new ApiRequest("POST", path, Map.of(), body.toString().getBytes(UTF_8), false);
        sent.add(request);
        if (sent.size() > 32) {
            sent.removeFirst();
        }
        pending[client] = request;
        return request;
    }

    /**
     * What a client was told must be what the replicated state holds: a grant answered with a
     * fence is a grant some node applied, to that client, on that key, in that mode.
     */
    @Override
    public void onAnswer(int client, ApiResponse answer) {
        ApiRequest request = pending[client];
        pending[client] = null;
        if (request == null || answer.status() != 200) {
            return;
        }
        if (!retrying[client] && (request.path().equals("/lock/acquire") || request.path().equals("/lock/renew"))) {
            // Applied after it was sent: the client's lease runs from no earlier than this.
            refreshedAtLeastMs.merge("c" + client, sentAtMs[client], Math::max);
        }
        if (!request.path().equals("/lock/acquire")) {
            return;
        }
        String grant = request.requiredString("key") + "|" + answer.body().path("fence").asLong() + "|" + request.requiredString("client_id");
        LockMode applied = grantByKeyFenceClient.get(grant);
        if (applied == null || !applied.name().equals(answer.body().path("mode").asText())) {
            throw new AssertionError("acquire answered " + answer.body() + " for " + grant + ", but the nodes applied "
                    + (applied == null ? "no such grant" : "it in mode " + applied));
        }
    }

    @Override
    public void onGaveUp(int client) {
        pending[client] = null;
    }

    /** The node's service: the simulation runs its leader duties (lease expiry on the leader's own clock) as the node's loop does. */
    @Override
    public ServiceModule module(SimNode n) {
        return services.get(n.id);
    }

    @Override
    public NodeClock clock(SimNode n) {
        return n.offsetClock(() -> sim.now);
    }

    @Override
    public void onRestored(SimNode n, boolean restarted) {
        if (restarted) {
            fencesPerNode.put(n.id, new HashMap<>()); // fences are compared within one lifetime of a node
        }
        leaseHolders.put(n.id, leaseHolders(n));
        check(n);
    }

    @Override
    public void onApplied(SimNode n, Entry e, ApplyResult result) {
        check(n);
        Set<String> before = leaseHolders.get(n.id);
        Set<String> after = leaseHolders(n);
        leaseHolders.put(n.id, after);
        // Judged where the entry is applied first, against the refreshes answered by then: a refresh answered
        // later may sit after it in the log (renewing a lease this entry ended), and every node applies in log order.
        boolean firstApply = e.index() > highestApplied;
        highestApplied = Math.max(highestApplied, e.index());
        if (!firstApply || e.isNoop() || e.isConfig()
                || !(LockCommand.decode(Envelope.decode(e.data()).command()) instanceof LockCommand.ExpireUnrenewed expire)) {
            return;
        }
        for (String clientId : expire.clientIds()) {
            Long refreshedMs = refreshedAtLeastMs.get(clientId);
            if (refreshedMs == null || !before.contains(clientId) || after.contains(clientId)) {
                continue; // no answered refresh to hold it to, or this entry did not expire it
            }
            long ttlMs = ttlMs(Integer.parseInt(clientId.substring(1)));
            long earliestMs = refreshedMs + ttlMs * (1000 - LeaseClockBounds.DRIFT_PERMILLE) / 1000;
            if (sim.now < earliestMs) {
                throw new AssertionError("lease of " + clientId + " expired at " + sim.now + " ms (index " + e.index() + " on " + n.id
                        + "), but a refresh sent at " + refreshedMs + " ms was answered: with ttl " + ttlMs + " ms it lasts until "
                        + earliestMs + " ms at least");
            }
        }
    }

    /** Each client's lease length: fixed per client, so the lease in force is known whatever was applied last. */
    private static long ttlMs(int client) {
        return 150 + 130L * client;
    }

    private static Set<String> leaseHolders(SimNode n) {
        Set<String> holders = new HashSet<>();
        locks(n).leases().forEach(lease -> holders.add(lease.clientId()));
        return holders;
    }

    /** Lock invariants on the node's state, and fences that only grow per key. */
    private void check(SimNode n) {
        LockStateMachine locks = locks(n);
        LockInvariants.check(locks);
        Map<String, LastFence> last = fencesPerNode.get(n.id);
        for (LockGrant g : locks.takeRecentGrants()) {
            LastFence prev = last.get(g.key());
            if (prev != null && g.fence() <= prev.fence) {
                throw new AssertionError("fence went from " + prev.fence + " to " + g.fence() + " on key " + g.key() + " at " + n.id);
            }
            last.put(g.key(), new LastFence(g.fence(), g.mode()));
            LockMode other = grantByKeyFenceClient.putIfAbsent(g.key() + "|" + g.fence() + "|" + g.clientId(), g.mode());
            if (other != null && other != g.mode()) {
                throw new AssertionError("grant of " + g.key() + " fence " + g.fence() + " to " + g.clientId() + " differs between nodes");
            }
        }
    }

    @Override
    public byte[] probeCommand() {
        return new LockCommand.Renew("probe").encode();
    }

    @Override
    public void finish() {}

    private static LockStateMachine locks(SimNode n) {
        return (LockStateMachine) n.machine.service();
    }
}
