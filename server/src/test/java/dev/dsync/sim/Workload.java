package dev.dsync.sim;

import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.node.Futures;
import dev.dsync.raft.Entry;
import dev.dsync.raft.RaftCore;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.statemachine.Envelope;
import java.util.List;

/**
 * The client population and the leader's duty, for whichever {@link SimService} the run uses:
 * closed-loop clients (one request at a time to a node's endpoints, answered by that node or given
 * up after a timeout), ReadIndex reads, the leader's one-at-a-time duty proposals, and
 * the liveness probe of the final phase. What the requests are is the service's business.
 */
final class Workload {

    private final Simulation sim;
    private final SimService service;
    /** Now and then a broken request in place of a client's: the node must refuse it, naming the problem. */
    final HostileRequests hostile;
    /**
     * Clients are closed-loop, like real ones: one request at a time, the next only once the
     * last was answered by the node it was sent to or timed out. (An open loop piles thousands of
     * entries onto a stale leader, which no real client population does.)
     */
    private final long[] clientBusyUntil;
    /** The node a client's request is waiting on, or null; a restarted node never answers (its callers time out). */
    private final SimNode[] clientWaitsOn;
    /** Which request a client waits for, so an answer to one it gave up on is ignored. */
    private final long[] clientTicket;
    private long tickets;
    /** Bumped by {@link #begin}, so an older request loop stops when a new one starts. */
    private int loopGeneration;
    /** Clients keep sending after the fault phase while this is set (a service's end-of-run phase). */
    boolean clientsAfterFaults;
    private long readSeq;
    long committed;
    /** Liveness phase: the (index, term) last proposed, and whether some node applied it. */
    private long probeIndex = -1;
    private long probeTerm = -1;
    private boolean livenessMet;

    Workload(Simulation sim, SimService service) {
        this.sim = sim;
        this.service = service;
        this.hostile = new HostileRequests(sim, service.name());
        int clients = service.clients();
        clientBusyUntil = new long[clients];
        clientWaitsOn = new SimNode[clients];
        clientTicket = new long[clients];
    }

    void begin() {
        int generation = ++loopGeneration;
        sim.schedule(1 + sim.random.nextInt(20), new Runnable() {
            @Override
            public void run() {
                if (generation == loopGeneration && (sim.faultPhase || clientsAfterFaults)) {
                    clientRequest();
                    sim.schedule(1 + sim.random.nextInt(25), this);
                }
            }
        });
    }

    private void clientRequest() {
        SimNode target = sim.random.nextInt(10) < 8 ? sim.leader() : null;
        if (target == null) {
            List<SimNode> up = sim.upNodes();
            if (up.isEmpty()) {
                return;
            }
            target = up.get(sim.random.nextInt(up.size()));
        }
        if (sim.random.nextInt(10) == 0) {
            read(target);
            return;
        }
        if (sim.random.nextInt(40) == 0) {
            hostile.send(target);
            return;
        }
        if (service.clients() == 0) {
            return; // the service runs its own clients (the cache: they talk to nodes, not to Raft)
        }
        int client = sim.random.nextInt(service.clients());
        if (sim.now < clientBusyUntil[client]) {
            return;
        }
        if (clientWaitsOn[client] != null) {
            clientWaitsOn[client] = null; // timed out: it never learns what became of the request
            service.onGaveUp(client);
        }
        ApiRequest request = service.nextRequest(client);
        if (request == null) {
            return;
        }
        // Through the node's request entry, as its HTTP router takes it: served there, or passed on to
        // the leader, by the service's own endpoint code (which stamps the entry with the node's clock).
        long ticket = ++tickets;
        clientTicket[client] = ticket;
        clientWaitsOn[client] = target;
        clientBusyUntil[client] = sim.now + 200 + sim.random.nextInt(800);
        sim.trace.add("request " + target.id + " c" + client + " " + request.path());
        target.endpoints.serve(request, null).whenComplete((response, error) -> {
            if (clientTicket[client] != ticket || clientWaitsOn[client] == null) {
                return; // the client gave up on it already
            }
            clientWaitsOn[client] = null;
            clientBusyUntil[client] = 0;
            try {
                ApiResponse answer = Futures.answer(response, error);
                if (answer.status() < 500 && answer.status() != 410) {
                    service.onAnswer(client, answer);
                } else if (answer.status() == 410
                        || answer.status() == 503 && !"unknown".equals(answer.body().path("outcome").asText())) {
                    service.onRefused(client, answer);
                } else {
                    service.onGaveUp(client);
                }
            } catch (RuntimeException | AssertionError bug) {
                sim.bug(bug);
            }
        });
    }

    /**
     * A fresh ReadIndex request id, registered with the {@link SafetyChecker}; the one counter for
     * these reads and any the service starts itself.
     */
    long newReadId() {
        long id = ++readSeq;
        sim.checker.onReadIssued(id);
        return id;
    }

    private void read(SimNode target) {
        long id = newReadId();
        if (target.core.readIndex(id)) {
            sim.log(target.id + " read " + id);
            sim.drain(target);
        } else {
            sim.checker.onReadDropped(id);
        }
    }

    private long propose(SimNode target, byte[] data) {
        try {
            long index = target.core.propose(data);
            sim.trace.add("propose " + target.id + " " + index);
            sim.drain(target);
            return index;
        } catch (RaftCore.NotLeaderException e) {
            return -1;
        }
    }

    /**
     * Leader duty, by the node's own schedule ({@link dev.dsync.node.LeaderDuties}, as its Raft
     * loop runs it on every turn): what the service wants done by the leader's clock (e.g. expire
     * leases), but not while its previous duty proposal is still unapplied.
     */
    void onTick(SimNode n) {
        n.duties.run(n.core, service.module(n), n.machine.lastApplied(), n.stamps);
    }

    void onApplied(SimNode n, Entry e, ApplyResult result) {
        service.onApplied(n, e, result);
        committed = Math.max(committed, e.index());
        if (e.index() == probeIndex && e.term() == probeTerm) {
            livenessMet = true;
        }
    }

    /** After healing: keep asking the current leader to commit something new until one does. */
    void livenessProbe() {
        SimNode leader = sim.leader();
        if (livenessMet || leader == null || leader.core.term() == probeTerm) {
            return;
        }
        byte[] data = new Envelope(leader.stamps.wallMs(), "probe", "p" + leader.core.term(), service.probeCommand()).encode();
        long index = propose(leader, data);
        if (index > 0) {
            probeIndex = index;
            probeTerm = leader.core.term();
            sim.log("liveness probe at " + index + "/" + probeTerm);
        }
    }

    boolean livenessMet() {
        return livenessMet;
    }
}
