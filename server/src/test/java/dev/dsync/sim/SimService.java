package dev.dsync.sim;

import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.node.NodeClock;
import dev.dsync.node.ServiceModule;
import dev.dsync.raft.Entry;
import dev.dsync.raft.ReadState;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.statemachine.StateMachine;
import java.util.Map;

/**
 * The replicated service a simulation runs on top of Raft: its state machine, what its clients
 * ask, its leader duty, and its own invariants. {@link Workload} owns the client life cycle
 * (closed loop, one request at a time, timeouts); a service only decides the requests and judges
 * the answers. A service whose clients talk to its nodes rather than to Raft (the cache: hits,
 * misses and writes passed to the leader) runs them itself, answers {@link #clients()} with 0, and
 * sends its peer messages with {@link Simulation#sendService}. Every choice must come from
 * {@code sim.random}, so a seed replays exactly.
 */
interface SimService {
    String name();

    /** A fresh service state machine for {@code n}'s next lifetime; the node wraps it in client sessions, as the shell does. */
    StateMachine newStateMachine(SimNode n);

    /** How many clients the workload runs; they are numbered from 0. */
    int clients();

    /**
     * The next request of an idle client, as its HTTP route would receive it, or null if it has
     * nothing to send now. The workload sends it to a node's {@link SimEndpoints}: the node serves
     * it, or passes it on to the leader, as a node's router does.
     */
    ApiRequest nextRequest(int client);

    /** The client's request was answered with a status below 500 but 410 (done, or certainly refused). */
    void onAnswer(int client, ApiResponse answer);

    /**
     * The client was answered 503 without "outcome":"unknown", or 410 (a node removed from the
     * cluster refuses service requests): the request certainly did not take
     * effect, and the service may hold the node to that. By default, no more is assumed than for
     * {@link #onGaveUp}.
     */
    default void onRefused(int client, ApiResponse answer) {
        onGaveUp(client);
    }

    /** The client stopped waiting without an answer (timeout), or was told the outcome is unknown (504, or 5xx "outcome":"unknown"). */
    void onGaveUp(int client);

    /** {@code n}'s node service in its current lifetime: the simulation runs its leader duties as the node's loop does. */
    ServiceModule module(SimNode n);

    /** {@code n}'s clock as its service and its loop read it. */
    NodeClock clock(SimNode n);

    /**
     * {@code n}'s state was replaced wholesale: it {@code restarted} from its disk, or it installed
     * a leader's snapshot.
     */
    void onRestored(SimNode n, boolean restarted);

    /** {@code n} just applied committed entry {@code e} with {@code result} (null for a no-op). */
    void onApplied(SimNode n, Entry e, ApplyResult result);

    /** A command that changes nothing, for the liveness probe. */
    byte[] probeCommand();

    /** After healing and the liveness probe: the service's end-of-run work and checks. */
    void finish();

    /** The run starts: a service with its own timers (e.g. lease renewals) schedules them here. */
    default void begin() {}

    /**
     * After every simulation step (event): checks that must hold at every instant. Called after
     * Raft's own checks; must not change anything.
     */
    default void afterStep() {}

    /**
     * {@code n} confirmed a ReadIndex read that the service started with an id from
     * {@link Workload#newReadId}; ids it did not start are someone else's and must be ignored.
     * Called while {@code n} is being drained: anything that touches its Raft core must be
     * scheduled for later.
     */
    default void onReadState(SimNode n, ReadState rs) {}

    /** A ReadIndex read on {@code n} failed (leadership lost); same rules as {@link #onReadState}. */
    default void onReadDropped(SimNode n, long requestId) {}

    /** Counts worth reporting after a run (summed over seeds by the test), e.g. how often a fault path ran. */
    default Map<String, Long> stats() {
        return Map.of();
    }
}
