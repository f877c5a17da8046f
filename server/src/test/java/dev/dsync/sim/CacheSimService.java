package dev.dsync.sim;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.dsync.cache.CacheChanges;
import dev.dsync.cache.CacheCommand;
import dev.dsync.cache.CacheInvariants;
import dev.dsync.cache.CacheStateMachine;
import dev.dsync.cache.LeaseTiming;
import dev.dsync.raft.Entry;
import dev.dsync.raft.ReadState;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.statemachine.Envelope;
import dev.dsync.statemachine.StateMachine;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The cache service in the simulation: the coherence protocol of docs/cache.md played over the
 * simulated network by the same pure pieces the node shell uses ({@link CacheStateMachine},
 * {@link dev.dsync.cache.LineCache}, {@link dev.dsync.cache.ReadLease},
 * {@link dev.dsync.cache.InvalidationTracker}), with a small line cache over a few keys so lines
 * are evicted, filled and invalidated all the time.
 *
 * <ul>
 *   <li>{@link CacheNodeSide}: every node's line cache, lease loop, hits, and passing misses and
 *       writes to the leader; {@link CacheLeaderSide}: leases, settled answers, fills, drop-node.
 *   <li>{@link CacheClients}: closed-loop clients whose operations make the history.
 *   <li>Checks: {@link CacheInvariants} after every apply and restore; {@link CacheCoherenceCheck}
 *       after every step; at the end the history must be linearizable ({@link CacheHistory},
 *       the checker's {@code kv} model).
 * </ul>
 *
 * <p>The checks catch a broken protocol. Broken on purpose, seeds from 0 first failed at (each
 * replays with {@code make sim SEED=<seed>} while the code is broken):
 * <ul>
 *   <li>{@code ReadLease.allowsHit} ignoring the watermark: seed 2, an M and an S line of one key
 *       servable at once;
 *   <li>the leader acknowledging writes without waiting for their key to settle: seed 2, a
 *       servable line older than an acknowledged write; with the coherence check off, the history
 *       check alone at seed 14 (a hit read the old value 5 ms after a cas was acknowledged);
 *   <li>a node measuring its lease from the grant's arrival, not from its request: seed 47;
 *   <li>an evict not awaited from the evicting node (fixed in {@link CacheStateMachine}): seed 575;
 *   <li>a write not awaited from its writer's older copy (fixed likewise): seed 857;
 *   <li>{@code InvalidationTracker.settle} reading a removed TreeMap entry (main's 9684884 fixed it;
 *       with its new assertion off): seed 131, a key left unsettled after the heal (liveness).
 * </ul>
 */
final class CacheSimService implements SimService {
    /** Clock rates differ by at most twice this: below the drift allowance of {@link #timing}. */
    static final int MAX_RATE_PERMILLE = 24;
    static final long HEALTHY_MS = 2000;
    /** Liveness: once the clients stopped, the leader settles every key within this. */
    static final long SETTLE_LIMIT_MS = 3000;
    /**
     * Lease 60 ms, renewed every 15 ms, 5 % drift allowance: the leader's bound, 64 ms, is below
     * the shortest election timeout the simulation's drifting ticks allow (90 ms).
     */
    final LeaseTiming timing;
    /** Lines per node: 2 to 4, over six keys, so evictions are common. */
    final int capacity;
    final CacheNodeSide nodes;
    final CacheLeaderSide leaders;
    final CacheClients clients;
    private final CacheCoherenceCheck coherence;
    private final Simulation sim;
    private final Map<String, CacheNodeState> states = new HashMap<>();
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
        this.nodes = new CacheNodeSide(sim, this);
        this.leaders = new CacheLeaderSide(sim, this);
        this.clients = new CacheClients(sim, this);
        this.coherence = new CacheCoherenceCheck(sim, this);
        for (String name : new String[] {"hits", "misses", "fills", "invalidationAcks", "evictions", "drops", "leaseGrants",
                "opsChecked", "opsOk", "opsFailed", "opsUnknown"}) {
            stats.put(name, 0L);
        }
    }

    @Override
    public String name() {
        return "cache";
    }

    @Override
    public StateMachine newStateMachine() {
        return new CacheStateMachine();
    }

    /** The cache's clients are its own ({@link CacheClients}): they talk to nodes, not to Raft. */
    @Override
    public int clients() {
        return 0;
    }

    @Override
    public byte[] nextRequest(int client, SimNode target) {
        throw new UnsupportedOperationException("the cache runs its own clients");
    }

    @Override
    public void onAnswer(int client, ApplyResult result) {}

    @Override
    public void onGaveUp(int client) {}

    @Override
    public void begin() {
        nodes.begin();
        clients.begin();
    }

    @Override
    public byte[] leaderDuty(SimNode leader, long nowMs) {
        return leaders.leaderDuty(leader); // by the cache's own clock
    }

    @Override
    public void onRestored(SimNode n, boolean restarted) {
        if (restarted) {
            states.put(n.id, new CacheNodeState(n, capacity, timing));
        }
        afterChange(n, null, null);
    }

    @Override
    public void onApplied(SimNode n, Entry e, ApplyResult result) {
        afterChange(n, e, result);
    }

    /** After an apply ({@code e}) or a restore ({@code e} null): check, sync the line cache, then the leader's side. */
    private void afterChange(SimNode n, Entry e, ApplyResult result) {
        CacheStateMachine sm = cache(n);
        CacheInvariants.check(sm);
        CacheChanges changes = sm.takeChanges();
        if (sim.verbose() && result != null) {
            sim.log(n.id + " applies " + e.index() + "/" + e.term() + " " + new String(Envelope.decode(e.data()).command(), UTF_8) + ": "
                    + result.status() + " " + result.body() + (changes.awaited().isEmpty() ? "" : ", awaits " + changes.awaited()));
        }
        leaders.syncLeadership(n);
        nodes.afterApply(n, sm, changes, n.machine.lastApplied());
        if (e != null) {
            leaders.afterApply(n, changes, e, result);
        }
    }

    @Override
    public void onReadState(SimNode n, ReadState rs) {
        leaders.onReadState(n, rs);
    }

    @Override
    public void onReadDropped(SimNode n, long requestId) {
        leaders.onReadDropped(n, requestId);
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
     * ended, the history is checked.
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
        leaders.awaitAllSettled(SETTLE_LIMIT_MS);
        stats.put("opsChecked", (long) clients.history.operations());
        clients.history.check();
    }

    @Override
    public Map<String, Long> stats() {
        return stats;
    }

    void count(String name) {
        stats.merge(name, 1L, Long::sum);
    }

    /**
     * {@code n}'s monotonic clock as its cache side reads it (lease requests, hits, the leader's
     * tracker): the node's offset clock, running up to {@value #MAX_RATE_PERMILLE}‰ fast or slow,
     * so two nodes' clocks drift apart by less than the allowance of {@link LeaseTiming}.
     */
    long clock(SimNode n) {
        return n.clock(sim.now) + sim.now * clockRatePermille.get(n.id) / 1000;
    }

    CacheNodeState state(SimNode n) {
        return states.get(n.id);
    }

    static CacheStateMachine cache(SimNode n) {
        return (CacheStateMachine) n.machine.service();
    }
}
