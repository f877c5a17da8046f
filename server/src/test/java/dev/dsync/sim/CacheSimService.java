package dev.dsync.sim;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.dsync.cache.CacheCommand;
import dev.dsync.cache.CacheInvariants;
import dev.dsync.cache.CacheService;
import dev.dsync.cache.CacheStateMachine;
import dev.dsync.cache.LeaseTiming;
import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.node.NodeClock;
import dev.dsync.node.ServiceModule;
import dev.dsync.raft.Entry;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.statemachine.Envelope;
import dev.dsync.statemachine.StateMachine;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The cache service in the simulation: every node runs the production {@link CacheService} (its
 * line cache and lease loop, the leader's lease desk, misses and writes passed to the leader,
 * every request's handling), bound to the simulation's world: the node's drifting clock, its
 * timers, its {@link SimReplica} and the simulated network for its calls to the leader
 * ({@link SimLeaderCalls}). A small line cache over a few keys keeps lines evicted, filled and
 * invalidated all the time. Nothing of the protocol lives here.
 *
 * <ul>
 *   <li>{@link CacheClients}: closed-loop clients that call a node's endpoints (the HTTP routes'
 *       own entry point) and make the history.
 *   <li>Checks: {@link CacheInvariants} after every apply; {@link CacheCoherenceCheck} after
 *       every step; at the end every change must settle (liveness) and the history must be
 *       linearizable ({@link CacheHistory}, the checker's {@code kv} model).
 * </ul>
 *
 * <p>The checks catch a broken protocol. Broken on purpose (each replays with
 * {@code make sim SEED=<seed>} while the code is broken), seeds from 0 first failed at:
 * <ul>
 *   <li>{@code CacheLeaderOps.read} answering a miss without its ReadIndex round
 *       (scripts/mutants/cache-miss-no-readindex.patch): seed 14, a read of a value older than an
 *       acknowledged write. While the simulation ran its own copy of the leader (which did the
 *       round), this mutant passed all 2,000 seeds.
 *   <li>Earlier, against the simulation's own copy of the protocol: {@code ReadLease.allowsHit}
 *       ignoring the watermark (seed 2), the leader acknowledging writes before their key settled
 *       (seed 2; the history check alone, seed 14), a lease measured from the grant's arrival
 *       (seed 47), an evict or a writer's older copy not awaited (seeds 575, 857, fixed in
 *       {@link CacheStateMachine}), and {@code InvalidationTracker.settle} reading a removed entry
 *       (seed 131, fixed on main in 9684884).
 * </ul>
 */
final class CacheSimService implements SimService {
    /** Clock rates differ by at most twice this: below the drift allowance of {@link #timing}. */
    static final int MAX_RATE_PERMILLE = 24;
    static final long HEALTHY_MS = 2000;
    /** Liveness: once the clients stopped, the leader settles every key within this. */
    static final long SETTLE_LIMIT_MS = 3000;
    /** How long past a holder's lease end the leader waits before it commits drop-node for it. */
    static final long DROP_AFTER_MS = 500;
    /**
     * Lease 60 ms, renewed every 15 ms, 5 % drift allowance: the leader's bound, 64 ms, is below
     * the shortest election timeout the simulation's drifting ticks allow (90 ms).
     */
    final LeaseTiming timing;
    /** Lines per node: 2 to 4, over six keys, so evictions are common. */
    final int capacity;
    final CacheClients clients;
    private final CacheCoherenceCheck coherence;
    private final Simulation sim;
    /** Each running node's service, for its current lifetime. */
    private final Map<String, CacheService> services = new HashMap<>();
    /** Per node, how fast its cache clock runs, in per mille off simulated time. */
    private final Map<String, Long> clockRatePermille = new HashMap<>();
    private final Map<String, Long> stats = new LinkedHashMap<>();

    CacheSimService(Simulation sim) {
        this.sim = sim;
        this.timing = new LeaseTiming(60, 15, 50).check(sim.electionTimeoutMinMs());
        if (2 * MAX_RATE_PERMILLE >= timing.driftPermille()) {
            throw new IllegalStateException("clocks may drift apart faster than the lease allows for");
        }
        this.capacity = 2 + sim.random.nextInt(3);
        for (SimNode n : sim.nodes) {
            clockRatePermille.put(n.id, (long) sim.random.nextInt(2 * MAX_RATE_PERMILLE + 1) - MAX_RATE_PERMILLE);
        }
        this.clients = new CacheClients(sim, this);
        this.coherence = new CacheCoherenceCheck(sim, this);
        for (String name : new String[] {"hits", "misses", "evictions", "invalidations", "leaseGrants",
                "opsChecked", "opsOk", "opsFailed", "opsUnknown"}) {
            stats.put(name, 0L);
        }
    }

    @Override
    public String name() {
        return "cache";
    }

    /** A new lifetime of {@code n}: a fresh node service, whose state machine the node wraps. */
    @Override
    public StateMachine newStateMachine(SimNode n) {
        CacheService previous = services.remove(n.id);
        if (previous != null) {
            previous.counts().forEach((name, count) -> stats.merge(name, count, Long::sum));
        }
        CacheService service = new CacheService(n.id, capacity, timing, DROP_AFTER_MS, clock(n));
        services.put(n.id, service);
        return service.stateMachine();
    }

    /** The cache's clients are its own ({@link CacheClients}: they make the history the kv checker judges). */
    @Override
    public int clients() {
        return 0;
    }

    @Override
    public ApiRequest nextRequest(int client) {
        throw new UnsupportedOperationException("the cache runs its own clients");
    }

    @Override
    public void onAnswer(int client, ApiResponse answer) {}

    @Override
    public void onGaveUp(int client) {}

    @Override
    public void begin() {
        clients.begin();
    }

    @Override
    public ServiceModule module(SimNode n) {
        return service(n);
    }

    /**
     * {@code n} started a lifetime (its service's state machine already restored from its disk):
     * the service gets its context, as the node shell gives it, and starts its lease loop. A
     * restored snapshot (not a restart) reaches the service through its next {@code afterApply}.
     */
    @Override
    public void onRestored(SimNode n, boolean restarted) {
        CacheInvariants.check(cache(n));
        if (restarted) {
            service(n).start(); // its context is bound already: the node's SimEndpoints bound it as the node shell does
        }
    }

    @Override
    public void onApplied(SimNode n, Entry e, ApplyResult result) {
        CacheInvariants.check(cache(n));
        if (sim.verbose() && result != null) {
            sim.log(n.id + " applies " + e.index() + "/" + e.term() + " " + new String(Envelope.decode(e.data()).command(), UTF_8) + ": "
                    + result.status() + " " + result.body());
        }
    }

    @Override
    public void afterStep() {
        coherence.check();
    }

    @Override
    public byte[] probeCommand() {
        return new CacheCommand.Evict("probe", "probe").encode();
    }

    /**
     * Healthy traffic for {@link #HEALTHY_MS} after the heal (the fault phase leaves few stable
     * leases, so this is where most hits happen), then the clients stop; once every operation has
     * ended, every change must settle and the history is checked.
     */
    @Override
    public void finish() {
        clients.afterFaults = true;
        clients.begin();
        sim.runUntil(sim.now + HEALTHY_MS);
        clients.afterFaults = false;
        long deadline = sim.now + 5000;
        while (!clients.idle() && sim.now < deadline) {
            sim.runUntil(sim.now + 50);
        }
        if (!clients.idle()) {
            throw new AssertionError("cache clients still busy 5 s after they stopped");
        }
        awaitAllSettled(SETTLE_LIMIT_MS);
        for (SimNode n : sim.upNodes()) {
            service(n).counts().forEach((name, count) -> stats.merge(name, count, Long::sum));
        }
        stats.put("opsChecked", (long) clients.history.operations());
        clients.history.check();
    }

    /**
     * Liveness after the heal: with every node up and renewing and no more writes, every change
     * must settle, so the leader has nothing pending and holds back no answer.
     *
     * @throws AssertionError if that has not happened within {@code limitMs}
     */
    private void awaitAllSettled(long limitMs) {
        long deadline = sim.now + limitMs;
        while (unsettled() != null && sim.now < deadline) {
            sim.runUntil(sim.now + 20);
        }
        String unsettled = unsettled();
        if (unsettled != null) {
            throw new AssertionError("liveness: " + limitMs + " ms after the cache clients stopped, " + unsettled);
        }
    }

    private String unsettled() {
        SimNode l = sim.leader();
        if (l == null) {
            return "there is no leader";
        }
        CacheService leader = service(l);
        return leader.pendingInvalidations() == 0 && leader.answersWaiting() == 0 ? null
                : "leader " + l.id + " (term " + l.core.term() + ", applied " + l.machine.lastApplied() + ") has "
                        + leader.pendingInvalidations() + " change(s) pending, " + leader.answersWaiting() + " answer(s) waiting";
    }

    @Override
    public Map<String, Long> stats() {
        return stats;
    }

    void count(String name) {
        stats.merge(name, 1L, Long::sum);
    }

    CacheService service(SimNode n) {
        return services.get(n.id);
    }

    /**
     * {@code n}'s clocks as its service reads them: the monotonic one (leases, deadlines) is the
     * node's offset clock running up to {@value #MAX_RATE_PERMILLE}‰ fast or slow, so two nodes'
     * clocks drift apart by less than the allowance of {@link LeaseTiming}; the wall clock is the
     * node's offset clock.
     */
    @Override
    public NodeClock clock(SimNode n) {
        long rate = clockRatePermille.get(n.id);
        return new NodeClock() {
            @Override
            public long monotonicMs() {
                return n.clock(sim.now) + sim.now * rate / 1000;
            }

            @Override
            public long wallMs() {
                return n.clock(sim.now);
            }
        };
    }

    static CacheStateMachine cache(SimNode n) {
        return (CacheStateMachine) n.machine.service();
    }
}
