package dev.dsync.sim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.cache.CacheChanges;
import dev.dsync.cache.CacheCommand;
import dev.dsync.cache.CacheStateMachine;
import dev.dsync.raft.Entry;
import dev.dsync.raft.RaftCore;
import dev.dsync.raft.ReadState;
import dev.dsync.raft.Role;
import dev.dsync.sim.CacheMessages.EvictRequest;
import dev.dsync.sim.CacheMessages.LeaseGrant;
import dev.dsync.sim.CacheMessages.LeaseRequest;
import dev.dsync.sim.CacheMessages.ReadAnswer;
import dev.dsync.sim.CacheMessages.ReadRequest;
import dev.dsync.sim.CacheMessages.WriteAnswer;
import dev.dsync.sim.CacheMessages.WriteOutcome;
import dev.dsync.sim.CacheMessages.WriteRequest;
import dev.dsync.sim.CacheNodeState.PendingLease;
import dev.dsync.sim.CacheNodeState.PendingRead;
import dev.dsync.sim.CacheNodeState.PendingWrite;
import dev.dsync.sim.CacheNodeState.Settling;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.statemachine.Envelope;
import java.util.Iterator;
import java.util.List;

/**
 * The leader's part of the cache protocol (docs/cache.md): grant leases after a ReadIndex round,
 * answer misses and acknowledge writes only once their key is settled, commit fills, evictions and
 * drop-node duties. Runs on whichever node Raft made leader; the cache side notices a new term (or
 * the loss of office) at the start of every handler and apply, and then starts (or stops) its
 * {@link dev.dsync.cache.InvalidationTracker}.
 */
final class CacheLeaderSide {
    /** How long past a holder's lease end the leader waits before it commits drop-node for it. */
    static final long DROP_GRACE_MS = 500;

    private final Simulation sim;
    private final CacheSimService service;

    CacheLeaderSide(Simulation sim, CacheSimService service) {
        this.sim = sim;
        this.service = service;
    }

    /** Starts the tracker when {@code n} leads a new term, stops it when it no longer leads. */
    CacheNodeState syncLeadership(SimNode n) {
        CacheNodeState st = service.state(n);
        long term = n.up() && n.core.role() == Role.LEADER ? n.core.term() : 0;
        if (st.leaderTerm == term) {
            return st;
        }
        if (st.leaderTerm != 0) {
            stepDown(n, st);
        }
        if (term != 0) {
            st.tracker.lead(service.clock(n), n.machine.lastApplied());
            st.leaderTerm = term;
            sim.log(n.id + " cache leader of term " + term + " from applied " + n.machine.lastApplied());
        }
        return st;
    }

    /** Nothing that waits may be answered by a node that no longer leads. */
    private void stepDown(SimNode l, CacheNodeState st) {
        st.tracker.stop();
        st.leaderTerm = 0;
        st.dropTarget = null;
        for (Settling s : st.settling) {
            if (s.write() == null) {
                answerRead(l, s.read(), false, null);
            } else {
                answerWrite(l, s.write(), WriteOutcome.UNKNOWN, 0, 0); // applied, but never settled here
            }
        }
        st.settling.clear();
        // Pending ReadIndex rounds end as dropped reads; pending writes end when their index applies.
    }

    // ---- leases ----

    void onLeaseRequest(SimNode l, LeaseRequest request) {
        CacheNodeState st = syncLeadership(l);
        if (st.leaderTerm == 0 || dropInFlight(l, st, request.node())) {
            return;
        }
        st.tracker.onReport(request.node(), request.applied());
        long id = sim.workload.newReadId();
        if (!l.core.readIndex(id)) {
            sim.checker.onReadDropped(id);
            return;
        }
        st.leaseReads.put(id, new PendingLease(request, st.leaderTerm));
        poll(l);
    }

    private void grant(SimNode l, CacheNodeState st, PendingLease pending, ReadState rs) {
        String node = pending.request().node();
        if (pending.term() != st.leaderTerm || dropInFlight(l, st, node)) {
            return;
        }
        long now = service.clock(l);
        long readIndex = l.machine.lastApplied();
        if (readIndex < rs.index()) {
            throw new AssertionError(l.id + " grants a lease at applied " + readIndex + " below its read index " + rs.index());
        }
        st.tracker.onGrant(node, now);
        service.count("leaseGrants");
        LeaseGrant grant = new LeaseGrant(pending.request().incarnation(), st.leaderTerm, pending.request().sentAtMs(), readIndex,
                st.tracker.watermark(now));
        if (sim.verbose()) {
            sim.log(l.id + " grants " + node + " " + grant);
        }
        sim.sendService(l.id, node, "lease-grant", n -> service.nodes.onGrant(n, grant));
    }

    private boolean dropInFlight(SimNode l, CacheNodeState st, String node) {
        return node.equals(st.dropTarget) && l.dutyInFlightIndex > l.machine.lastApplied();
    }

    /** The leader duty: drop-node for a holder whose lease ended over {@link #DROP_GRACE_MS} ago. */
    byte[] leaderDuty(SimNode l) {
        CacheNodeState st = syncLeadership(l);
        if (st.leaderTerm == 0) {
            return null;
        }
        List<String> lapsed = st.tracker.lapsed(cache(l).linesByNode().keySet(), service.clock(l), DROP_GRACE_MS);
        if (lapsed.isEmpty()) {
            return null;
        }
        st.dropTarget = lapsed.getFirst();
        service.count("drops");
        sim.log(l.id + " drops " + st.dropTarget + " from the directory");
        return new CacheCommand.DropNode(st.dropTarget).encode();
    }

    // ---- ReadIndex rounds ----

    void onReadState(SimNode l, ReadState rs) {
        CacheNodeState st = syncLeadership(l);
        PendingLease lease = st.leaseReads.remove(rs.requestId());
        if (lease != null) {
            grant(l, st, lease, rs);
            return;
        }
        PendingRead read = st.missReads.remove(rs.requestId());
        if (read == null) {
            return; // not ours
        }
        if (read.term() != st.leaderTerm) {
            answerRead(l, read.request(), false, null);
            return;
        }
        st.settling.add(new Settling(read.request().key(), read.request(), null, null));
        poll(l);
    }

    void onReadDropped(SimNode l, long id) {
        CacheNodeState st = service.state(l);
        st.leaseReads.remove(id);
        PendingRead read = st.missReads.remove(id);
        if (read != null) {
            answerRead(l, read.request(), false, null);
        }
    }

    // ---- misses, writes, evictions ----

    void onRead(SimNode l, ReadRequest request) {
        CacheNodeState st = syncLeadership(l);
        long id = st.leaderTerm == 0 ? -1 : sim.workload.newReadId();
        if (id < 0 || !l.core.readIndex(id)) {
            if (id >= 0) {
                sim.checker.onReadDropped(id);
            }
            answerRead(l, request, false, null);
            return;
        }
        st.missReads.put(id, new PendingRead(request, st.leaderTerm));
    }

    void onWrite(SimNode l, WriteRequest request) {
        CacheNodeState st = syncLeadership(l);
        if (st.leaderTerm == 0) {
            answerWrite(l, request, WriteOutcome.FAILED, 0, 0);
            return;
        }
        long index = propose(l, new Envelope(l.clock(sim.now), request.clientId(), request.requestId(), request.command()));
        if (index < 0) {
            answerWrite(l, request, WriteOutcome.FAILED, 0, 0);
            return;
        }
        PendingWrite replaced = st.writes.put(index, new PendingWrite(request, st.leaderTerm));
        if (replaced != null) {
            // An earlier leadership's entry at this index is gone from the leader's log, so it never committed.
            answerWrite(l, replaced.request(), WriteOutcome.FAILED, 0, 0);
        }
    }

    void onEvict(SimNode l, EvictRequest request) {
        if (syncLeadership(l).leaderTerm != 0) {
            propose(l, new Envelope(l.clock(sim.now), null, null, new CacheCommand.Evict(request.key(), request.node()).encode()));
        }
    }

    /** Proposes without draining (the caller's delivery drains); -1 if refused. */
    private long propose(SimNode l, Envelope envelope) {
        try {
            return l.core.propose(envelope.encode());
        } catch (RaftCore.NotLeaderException e) {
            return -1;
        }
    }

    /** {@code l} applied {@code e}: tracked changes, and the fate of a write it proposed at that index. */
    void afterApply(SimNode l, CacheChanges changes, Entry e, ApplyResult result) {
        CacheNodeState st = syncLeadership(l);
        st.tracker.onApplied(changes, e.index()); // ignored unless leading
        PendingWrite write = st.writes.remove(e.index());
        if (write != null) {
            if (e.term() != write.term()) {
                answerWrite(l, write.request(), WriteOutcome.FAILED, 0, 0); // another leader's entry took the index
            } else if (st.leaderTerm == write.term()) {
                st.settling.add(new Settling(write.request().key(), null, write.request(), result));
            } else {
                answerWrite(l, write.request(), WriteOutcome.UNKNOWN, 0, 0);
            }
        }
        poll(l);
    }

    /** Answers every waiting read and write whose key is settled now. */
    void poll(SimNode l) {
        CacheNodeState st = syncLeadership(l);
        if (st.leaderTerm == 0 || st.settling.isEmpty()) {
            return;
        }
        long now = service.clock(l);
        st.tracker.settle(now);
        long applied = l.machine.lastApplied();
        Iterator<Settling> waiting = st.settling.iterator();
        while (waiting.hasNext()) {
            Settling s = waiting.next();
            if (!st.tracker.settled(s.key(), applied, now)) {
                continue;
            }
            waiting.remove();
            if (s.write() != null) {
                if (sim.verbose()) {
                    sim.log(l.id + " answers write of " + s.write().key() + ": " + s.result().status() + " " + s.result().body());
                }
                answerWrite(l, s.write(), WriteOutcome.DONE, s.result().status(), s.result().body().path("version").asLong());
            } else {
                answerMiss(l, st, s.read());
            }
        }
    }

    /** The value at the leader's applied state; then a fill for the asking node unless it holds the key. */
    private void answerMiss(SimNode l, CacheNodeState st, ReadRequest request) {
        CacheStateMachine sm = cache(l);
        JsonNode body = sm.read(request.key());
        boolean found = body.path("found").asBoolean();
        answerRead(l, request, true, found ? body.get("val") : null);
        if (found && sm.line(request.key(), request.node()).isEmpty()) {
            long version = body.path("version").asLong();
            long term = st.leaderTerm;
            sim.schedule(0, () -> { // not while the node is being drained
                if (l.up() && service.state(l) == st && syncLeadership(l).leaderTerm == term) {
                    if (propose(l, new Envelope(l.clock(sim.now), null, null,
                            new CacheCommand.Fill(request.key(), request.node(), version).encode())) > 0) {
                        service.count("fills");
                    }
                    sim.drain(l);
                }
            });
        }
    }

    private void answerRead(SimNode l, ReadRequest request, boolean answered, JsonNode value) {
        ReadAnswer answer = new ReadAnswer(request.opId(), request.incarnation(), answered, value);
        sim.sendService(l.id, request.node(), "read-answer", n -> service.nodes.onReadAnswer(n, answer));
    }

    private void answerWrite(SimNode l, WriteRequest request, WriteOutcome outcome, int status, long version) {
        WriteAnswer answer = new WriteAnswer(request.opId(), request.incarnation(), outcome, status, version);
        sim.sendService(l.id, request.node(), "write-answer", n -> service.nodes.onWriteAnswer(n, answer));
    }

    private static CacheStateMachine cache(SimNode n) {
        return CacheSimService.cache(n);
    }
}
