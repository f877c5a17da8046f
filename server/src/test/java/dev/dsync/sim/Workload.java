package dev.dsync.sim;

import dev.dsync.lock.LockCommand;
import dev.dsync.lock.LockMode;
import dev.dsync.raft.Entry;
import dev.dsync.raft.RaftCore;
import dev.dsync.statemachine.Envelope;
import java.util.ArrayList;
import java.util.List;

/**
 * Lock clients and the leader's own duties: acquires, releases, renewals and cancelled waits from
 * a few clients on a few keys (so they contend), retries of earlier requests (so sessions
 * deduplicate), lease expiry proposed by the leader from its clock, and ReadIndex reads. Also the
 * liveness probe of the final phase.
 */
final class Workload {
    private static final int CLIENTS = 6;
    private static final int KEYS = 3;
    private static final int EXPIRY_EVERY_TICKS = 5;

    private final Simulation sim;
    private final List<byte[]> sent = new ArrayList<>();
    /**
     * Clients are closed-loop, like real ones: one request at a time, the next only once the
     * last was applied where it was sent or timed out. (An open loop piles thousands of entries
     * onto a stale leader, which no real client population does.)
     */
    private final long[] clientBusyUntil = new long[CLIENTS];
    private final long[] clientWaitsForIndex = new long[CLIENTS];
    private final SimNode[] clientWaitsOn = new SimNode[CLIENTS];
    private long requestSeq;
    private long readSeq;
    long committed;
    /** Liveness phase: the (index, term) last proposed, and whether some node applied it. */
    private long probeIndex = -1;
    private long probeTerm = -1;
    private boolean livenessMet;

    Workload(Simulation sim) {
        this.sim = sim;
    }

    void begin() {
        sim.schedule(1 + sim.random.nextInt(20), new Runnable() {
            @Override
            public void run() {
                if (sim.faultPhase) {
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
        int dice = sim.random.nextInt(100);
        if (dice < 10) {
            read(target);
            return;
        }
        int clientNo = sim.random.nextInt(CLIENTS);
        if (sim.now < clientBusyUntil[clientNo]) {
            return;
        }
        byte[] envelope;
        if (dice < 18 && !sent.isEmpty()) {
            envelope = sent.get(sim.random.nextInt(sent.size())); // a client retrying: at most once
        } else {
            String client = "c" + clientNo;
            String key = "k" + sim.random.nextInt(KEYS);
            LockCommand command = switch (sim.random.nextInt(10)) {
                case 0, 1, 2, 3, 4 -> new LockCommand.Acquire(key, sim.random.nextBoolean() ? LockMode.S : LockMode.X, client,
                        100 + sim.random.nextInt(900), sim.random.nextInt(3) != 0);
                case 5, 6, 7 -> new LockCommand.Release(key, client);
                case 8 -> new LockCommand.Renew(client);
                default -> new LockCommand.CancelWait(key, client);
            };
            envelope = new Envelope(target.clock(sim.now), client, "r" + (requestSeq++), command.encode()).encode();
            sent.add(envelope);
            if (sent.size() > 32) {
                sent.removeFirst();
            }
        }
        long index = propose(target, envelope);
        if (index > 0) {
            clientBusyUntil[clientNo] = sim.now + 200 + sim.random.nextInt(800);
            clientWaitsForIndex[clientNo] = index;
            clientWaitsOn[clientNo] = target;
        }
    }

    private void read(SimNode target) {
        long id = ++readSeq;
        sim.checker.onReadIssued(id);
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
     * Leader duty, as the node shell does it: propose expiry of leases that ran out by its clock,
     * but not while its previous expiry proposal is still unapplied.
     */
    void onTick(SimNode n) {
        if (n.core.role() != dev.dsync.raft.Role.LEADER || sim.random.nextInt(EXPIRY_EVERY_TICKS) != 0
                || n.dutyInFlightIndex > n.machine.lastApplied()) {
            return;
        }
        long nowMs = n.clock(sim.now);
        List<String> expired = n.locks.expiredClients(nowMs);
        if (!expired.isEmpty()) {
            n.dutyInFlightIndex = propose(n, new Envelope(nowMs, null, null, new LockCommand.Expire(expired).encode()).encode());
        }
    }

    void onApplied(SimNode n, Entry e) {
        for (int c = 0; c < CLIENTS; c++) {
            if (clientWaitsOn[c] == n && clientWaitsForIndex[c] == e.index()) {
                clientBusyUntil[c] = 0; // answered (whether or not it was its entry that won the index)
                clientWaitsOn[c] = null;
            }
        }
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
        byte[] data = new Envelope(leader.clock(sim.now), "probe", "p" + leader.core.term(),
                new LockCommand.Renew("probe").encode()).encode();
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
