package dev.dsync.sim;

import dev.dsync.node.NodeClock;
import dev.dsync.node.ServiceModule;
import dev.dsync.lock.LockCommand;
import dev.dsync.lock.LockGrant;
import dev.dsync.lock.LockInvariants;
import dev.dsync.lock.LockMode;
import dev.dsync.lock.LockService;
import dev.dsync.lock.LockStateMachine;
import dev.dsync.raft.Entry;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.statemachine.Envelope;
import dev.dsync.statemachine.StateMachine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The lock service in the simulation. Clients: acquires, releases, renewals and cancelled waits
 * from a few clients on a few keys (so they contend), and retries of earlier requests (so sessions
 * deduplicate). Leader duty: expiry of sessions whose lease ran out by the leader's clock.
 * Checks, after every apply and every restore on every node: {@link LockInvariants}, fences that
 * only grow per key on a node, and one grant per (key, fence, client) across nodes.
 */
final class LockSimService implements SimService {
    private static final int CLIENTS = 6;
    private static final int KEYS = 3;

    private record LastFence(long fence, LockMode mode) {}

    private final Simulation sim;
    /** Recently sent envelopes, any client's: a retry resends one of them (at most once applied). */
    private final List<byte[]> sent = new ArrayList<>();
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
    public byte[] nextRequest(int client, SimNode target) {
        if (sim.random.nextInt(100) < 9 && !sent.isEmpty()) {
            return sent.get(sim.random.nextInt(sent.size())); // a client retrying: at most once
        }
        String clientId = "c" + client;
        String key = "k" + sim.random.nextInt(KEYS);
        LockCommand command = switch (sim.random.nextInt(10)) {
            case 0, 1, 2, 3, 4 -> new LockCommand.Acquire(key, sim.random.nextBoolean() ? LockMode.S : LockMode.X, clientId,
                    100 + sim.random.nextInt(900), sim.random.nextInt(3) != 0);
            case 5, 6, 7 -> new LockCommand.Release(key, clientId);
            case 8 -> new LockCommand.Renew(clientId);
            default -> new LockCommand.CancelWait(key, clientId);
        };
        byte[] envelope = new Envelope(target.stamps.wallMs(), clientId, "r" + (requestSeq++), command.encode()).encode();
        sent.add(envelope);
        if (sent.size() > 32) {
            sent.removeFirst();
        }
        return envelope;
    }

    @Override
    public void onAnswer(int client, ApplyResult result) {}

    @Override
    public void onGaveUp(int client) {}

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
        check(n);
    }

    @Override
    public void onApplied(SimNode n, Entry e, ApplyResult result) {
        check(n);
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
