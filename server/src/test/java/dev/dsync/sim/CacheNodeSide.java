package dev.dsync.sim;

import dev.dsync.cache.CacheChanges;
import dev.dsync.cache.CacheStateMachine;
import dev.dsync.cache.LineCache;
import dev.dsync.cache.Line;
import dev.dsync.cache.ReadLease;
import dev.dsync.sim.CacheMessages.EvictRequest;
import dev.dsync.sim.CacheMessages.LeaseGrant;
import dev.dsync.sim.CacheMessages.LeaseRequest;
import dev.dsync.sim.CacheMessages.ReadAnswer;
import dev.dsync.sim.CacheMessages.ReadRequest;
import dev.dsync.sim.CacheMessages.WriteAnswer;
import dev.dsync.sim.CacheMessages.WriteRequest;
import java.util.Iterator;

/**
 * Every cache node's own part of the protocol (docs/cache.md), as the node shell plays it: keep
 * the line cache in step with the applied directory, renew the read lease, serve hits, pass
 * misses and writes to the leader, and answer a write only once its own line cache has applied it.
 */
final class CacheNodeSide {
    private final Simulation sim;
    private final CacheSimService service;

    CacheNodeSide(Simulation sim, CacheSimService service) {
        this.sim = sim;
        this.service = service;
    }

    /** The lease loop: every node renews every {@code renewEveryMs}, each on its own phase. */
    void begin() {
        long period = service.timing.renewEveryMs();
        for (SimNode n : sim.nodes) {
            sim.schedule(sim.random.nextInt((int) period), new Runnable() {
                @Override
                public void run() {
                    if (n.up()) {
                        renew(n);
                        service.leaders.poll(n);
                    }
                    sim.schedule(period, this);
                }
            });
        }
    }

    /** Asks the known leader (this node itself, locally, if it leads) for a lease. */
    void renew(SimNode n) {
        String leader = n.core.leaderId();
        if (leader == null) {
            return;
        }
        CacheNodeState st = service.state(n);
        LeaseRequest request = new LeaseRequest(n.id, n.incarnation, st.syncedIndex, service.clock(n));
        sim.sendService(n.id, leader, "lease-request", l -> service.leaders.onLeaseRequest(l, request));
    }

    void onGrant(SimNode n, LeaseGrant grant) {
        CacheNodeState st = service.state(n);
        if (grant.incarnation() != st.incarnation) {
            return; // asked for by an earlier lifetime of this node
        }
        st.lease = st.lease.newer(ReadLease.granted(grant.term(), grant.sentAtMs(), service.timing, grant.readIndex(), grant.watermark()));
    }

    /**
     * {@code n} applied up to {@code index} (or restored a snapshot at it): the line cache follows
     * the directory, evicted lines are reported to the leader, and if another node's change removed
     * or downgraded one of this node's lines, the node renews its lease at once, which tells the
     * leader it has applied the change.
     */
    void afterApply(SimNode n, CacheStateMachine sm, CacheChanges changes, long index) {
        CacheNodeState st = service.state(n);
        LineCache.SyncResult sync = st.lines.sync(sm, changes);
        st.syncedIndex = index;
        for (String key : sync.evicted()) {
            service.count("evictions");
            evict(n, key);
        }
        boolean affected = false;
        for (CacheChanges.Change change : changes.awaited()) {
            affected |= change.affected().contains(n.id);
        }
        if (affected) {
            service.count("invalidationAcks");
        }
        if (affected || changes.restored()) {
            renew(n);
        }
        Iterator<CacheNodeState.SyncWait> waits = st.awaitingSync.iterator();
        while (waits.hasNext()) {
            CacheNodeState.SyncWait wait = waits.next();
            if (st.syncedIndex >= wait.version()) {
                waits.remove();
                service.clients.written(wait.op(), wait.version());
            }
        }
    }

    private void evict(SimNode n, String key) {
        String leader = n.core.leaderId();
        if (leader != null) {
            EvictRequest request = new EvictRequest(key, n.id);
            sim.sendService(n.id, leader, "evict", l -> service.leaders.onEvict(l, request));
        }
    }

    /** A client operation arrives at {@code n}. */
    void submit(SimNode n, CacheClients.Op op) {
        CacheNodeState st = service.state(n);
        if (op.kind == CacheClients.Kind.GET) {
            Line line = st.lines.use(op.key);
            if (st.lease.allowsHit(service.clock(n), st.syncedIndex, line)) {
                service.count("hits");
                service.clients.read(op, line.value(), true);
                return;
            }
            service.count("misses");
        }
        String leader = n.core.leaderId();
        if (leader == null) {
            service.clients.fail(op); // nothing was sent anywhere
            return;
        }
        st.awaitingLeader.put(op.id, op);
        if (op.kind == CacheClients.Kind.GET) {
            ReadRequest request = new ReadRequest(op.id, op.key, n.id, n.incarnation);
            sim.sendService(n.id, leader, "read", l -> service.leaders.onRead(l, request));
        } else {
            WriteRequest request = new WriteRequest(op.id, op.key, op.command(n.id).encode(), op.sessionClient, op.requestId,
                    n.id, n.incarnation);
            sim.sendService(n.id, leader, "write", false, l -> service.leaders.onWrite(l, request));
        }
    }

    void onReadAnswer(SimNode n, ReadAnswer answer) {
        CacheClients.Op op = waiting(n, answer.incarnation(), answer.opId());
        if (op == null) {
            return;
        }
        if (answer.answered()) {
            service.clients.read(op, answer.value(), false);
        } else {
            service.clients.fail(op);
        }
    }

    void onWriteAnswer(SimNode n, WriteAnswer answer) {
        CacheClients.Op op = waiting(n, answer.incarnation(), answer.opId());
        if (op == null) {
            return;
        }
        switch (answer.outcome()) {
            case FAILED -> service.clients.fail(op);
            case UNKNOWN -> service.clients.unknown(op);
            case DONE -> {
                switch (answer.status()) {
                    case 200 -> {
                        CacheNodeState st = service.state(n);
                        if (st.syncedIndex >= answer.version()) {
                            service.clients.written(op, answer.version());
                        } else {
                            st.awaitingSync.add(new CacheNodeState.SyncWait(op, answer.version()));
                        }
                    }
                    case 409 -> service.clients.fail(op); // cas mismatch: nothing written
                    case 404 -> service.clients.written(op, 0); // del of an absent key: it stays absent
                    default -> throw new AssertionError("unexpected answer " + answer.status() + " to " + op);
                }
            }
        }
    }

    private CacheClients.Op waiting(SimNode n, int incarnation, long opId) {
        CacheNodeState st = service.state(n);
        return incarnation == st.incarnation ? st.awaitingLeader.remove(opId) : null;
    }
}
