package dev.dsync.node;

import dev.dsync.http.ApiException;
import dev.dsync.http.Router;
import dev.dsync.raft.Entry;
import dev.dsync.raft.RaftCore;
import dev.dsync.raft.ReadState;
import dev.dsync.statemachine.ApplyResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * What a node's Raft loop holds for the callers of {@link Replica} until Raft decides their
 * requests: proposals by log index, ReadIndex rounds by id, and waits for an applied index. One
 * implementation for the node ({@link RaftLoop}) and the simulation, which both call it only from
 * their loop (a thread, or the simulation's event queue), so it needs no lock.
 *
 * <p>How a proposal ends: applied in the term it was proposed in (its result); its index taken by
 * another leader's entry (certainly not applied: {@link Replica.NotLeaderException}); or its index
 * reused by a later proposal of this node or folded into a restored snapshot (504, outcome unknown:
 * another node may still hold the entry and commit it).
 */
public final class PendingRequests {
    private record Pending(long term, CompletableFuture<ApplyResult> result) {}

    private final Map<Long, Pending> proposals = new HashMap<>();
    private final Map<Long, CompletableFuture<Void>> reads = new HashMap<>();
    private final TreeMap<Long, List<CompletableFuture<Void>>> appliedWaiters = new TreeMap<>();
    private final LongSupplier readIds;
    private final Consumer<Runnable> loop;

    /**
     * @param readIds fresh ReadIndex request ids (the simulation shares its numbering with its own reads)
     * @param loop runs a task later on the loop (a cancelled proposal is forgotten there)
     */
    public PendingRequests(LongSupplier readIds, Consumer<Runnable> loop) {
        this.readIds = readIds;
        this.loop = loop;
    }

    /** Proposes {@code data} (an encoded envelope); {@code result} completes as the class comment says. */
    public void propose(RaftCore core, byte[] data, CompletableFuture<ApplyResult> result) {
        try {
            track(core.propose(data), core.term(), result);
        } catch (RaftCore.NotLeaderException e) {
            result.completeExceptionally(new Replica.NotLeaderException(e.getMessage(), e.leaderId()));
        }
    }

    /**
     * Waits for the configuration entry the core just appended at {@code index} in {@code term}
     * (a membership change) as for a proposal; {@code result} completes with 200 {"index": ...}.
     */
    public void awaitConfig(long index, long term, CompletableFuture<ApplyResult> result) {
        track(index, term, result);
    }

    private void track(long index, long term, CompletableFuture<ApplyResult> result) {
        Pending stale = proposals.put(index, new Pending(term, result));
        if (stale != null) {
            // Our log lost the older proposal's entry, but another node may still hold it
            // and a later leader commit it: its outcome is unknown, not failed.
            stale.result().completeExceptionally(new ApiException(504, Router.timeoutBody()));
        }
        result.whenComplete((r, e) -> {
            if (result.isCancelled()) {
                loop.accept(() -> proposals.computeIfPresent(index, (i, p) -> p.result() == result ? null : p));
            }
        });
    }

    /** Starts a ReadIndex round; {@code done} completes once the state machine reflects the read index. */
    public void read(RaftCore core, CompletableFuture<Void> done) {
        long id = readIds.getAsLong();
        if (core.readIndex(id)) {
            reads.put(id, done);
        } else {
            done.completeExceptionally(new Replica.NotLeaderException("not the leader", core.leaderId()));
        }
    }

    /** Completes {@code done} once {@code index} is applied ({@code applied} is now). */
    public void awaitApplied(long index, long applied, CompletableFuture<Void> done) {
        if (applied >= index) {
            done.complete(null);
        } else {
            appliedWaiters.computeIfAbsent(index, i -> new ArrayList<>()).add(done);
        }
    }

    /** A snapshot up to {@code snapshotIndex} replaced the state: results of entries folded into it are unknown here. */
    public void onRestored(long snapshotIndex) {
        proposals.entrySet().removeIf(p -> {
            if (p.getKey() <= snapshotIndex) {
                p.getValue().result().completeExceptionally(new ApiException(504, Router.timeoutBody()));
                return true;
            }
            return false;
        });
    }

    /** {@code entry} was applied with {@code result} (null for a no-op); {@code leaderId} is who leads now, as far as this node knows. */
    public void onApplied(Entry entry, ApplyResult result, String leaderId) {
        Pending pending = proposals.remove(entry.index());
        if (pending == null) {
            return;
        }
        if (pending.term() == entry.term()) {
            pending.result().complete(result != null ? result
                    : entry.isConfig() ? ApplyResult.ok(ApplyResult.object().put("index", entry.index()))
                    : ApplyResult.error(500, "no-op applied"));
        } else {
            // Another leader's entry took this index: ours can never commit.
            pending.result().completeExceptionally(
                    new Replica.NotLeaderException("leadership changed before the request committed; it was not applied", leaderId));
        }
    }

    /** Wakes the waits for indexes up to {@code applied}. */
    public void wakeApplied(long applied) {
        Map<Long, List<CompletableFuture<Void>>> due = appliedWaiters.headMap(applied, true);
        due.values().forEach(list -> list.forEach(f -> f.complete(null)));
        due.clear();
    }

    /** A ReadIndex round of ours (or not: then ignored) was confirmed at {@code read.index()}. */
    public void onReadState(ReadState read, long applied) {
        CompletableFuture<Void> done = reads.remove(read.requestId());
        if (done != null) {
            awaitApplied(read.index(), applied, done);
        }
    }

    /** A ReadIndex round failed: leadership was lost first. */
    public void onReadDropped(long id, String leaderId) {
        CompletableFuture<Void> done = reads.remove(id);
        if (done != null) {
            done.completeExceptionally(new Replica.NotLeaderException("leadership lost before the read was confirmed", leaderId));
        }
    }
}
