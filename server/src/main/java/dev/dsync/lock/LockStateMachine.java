package dev.dsync.lock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.lock.LockCommand.Acquire;
import dev.dsync.lock.LockCommand.CancelWait;
import dev.dsync.lock.LockCommand.Expire;
import dev.dsync.lock.LockCommand.ExpireUnrenewed;
import dev.dsync.lock.LockCommand.Release;
import dev.dsync.lock.LockCommand.Renew;
import dev.dsync.statemachine.ApplyResult;
import dev.dsync.statemachine.StateMachine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The distributed lock manager's replicated state machine: shared/exclusive locks with FIFO wait
 * queues, upgrades, deadlock refusal, client leases and fencing tokens (the log index of the
 * granting command). Pure and deterministic; the queries below read state and change nothing
 * except {@link #takeRecentGrants()}, which drains a local, unreplicated list.
 */
public final class LockStateMachine implements StateMachine {
    private LockTable table = new LockTable();
    /** Grants since the last {@link #takeRecentGrants()}; a local notification, not replicated state. */
    private List<LockGrant> recentGrants = new ArrayList<>();

    public LockStateMachine() {}

    @Override
    public ApplyResult apply(long index, long nowMs, byte[] command) {
        table.clockMs = Math.max(table.clockMs, nowMs);
        table.applyingIndex = index;
        LockCommand decoded;
        try {
            decoded = LockCommand.decode(command);
        } catch (IllegalArgumentException e) {
            // Every replica refuses the same bytes the same way; throwing would halt them all.
            return LockResponses.malformed();
        }
        return switch (decoded) {
            case Acquire a -> acquire(index, a);
            case Release r -> release(index, r);
            case Renew r -> renew(r);
            case CancelWait c -> cancelWait(index, c);
            case Expire e -> expire(index, e.clientIds(), clientId -> table.clients.get(clientId).deadlineMs < table.clockMs);
            case ExpireUnrenewed e -> expireUnrenewed(index, e);
        };
    }

    private ApplyResult acquire(long index, Acquire a) {
        KeyLock lock = table.keys.get(a.key());
        if (lock != null && lock.holders.containsKey(a.clientId())) {
            return reacquire(index, lock, a);
        }
        if (lock != null && lock.positionOf(a.clientId()) > 0) {
            table.refresh(table.clients.get(a.clientId()), a.ttlMs());
            return LockResponses.queued(lock.holderIdsExcept(a.clientId()), lock.positionOf(a.clientId()));
        }
        if (lock == null || lock.grantableNow(a.clientId(), a.mode())) {
            table.refresh(table.leaseOf(a.clientId(), a.ttlMs()), a.ttlMs());
            return grant(table.lockOf(a.key()), a.clientId(), a.mode(), index);
        }
        return waitOrRefuse(lock, a, false);
    }

    /** The client already holds the key: idempotent, or an upgrade from S to X. */
    private ApplyResult reacquire(long index, KeyLock lock, Acquire a) {
        ClientLease lease = table.clients.get(a.clientId());
        KeyLock.Holder held = lock.holders.get(a.clientId());
        if (held.mode() == LockMode.X || a.mode() == LockMode.S) {
            table.refresh(lease, a.ttlMs());
            return LockResponses.granted(grantOf(lock, a.clientId()));
        }
        if (lock.positionOf(a.clientId()) > 0) {
            table.refresh(lease, a.ttlMs());
            return LockResponses.queued(lock.holderIdsExcept(a.clientId()), lock.positionOf(a.clientId()));
        }
        if (lock.holders.size() == 1) {
            table.refresh(lease, a.ttlMs());
            return grant(lock, a.clientId(), LockMode.X, index);
        }
        return waitOrRefuse(lock, a, true);
    }

    private ApplyResult grant(KeyLock lock, String clientId, LockMode mode, long commandIndex) {
        LockGrant grant = table.hold(lock, clientId, mode, table.issueFence(commandIndex));
        recentGrants.add(grant);
        return LockResponses.granted(grant);
    }

    /**
     * Busy: refuse (409), or queue (202) unless queueing would close a wait-for cycle, in which case
     * the request is refused as a deadlock and nothing changes, not even the lease.
     */
    private ApplyResult waitOrRefuse(KeyLock lock, Acquire a, boolean upgrade) {
        String client = a.clientId();
        List<String> holders = lock.holderIdsExcept(client);
        ClientLease existing = table.clients.get(client);
        if (!a.queueIfBusy()) {
            if (existing != null) {
                table.refresh(existing, a.ttlMs());
            }
            return LockResponses.busy(holders);
        }
        ClientLease lease = table.leaseOf(client, a.ttlMs());
        table.enqueue(lock, new KeyLock.Waiter(client, a.mode()), upgrade);
        List<String> cycle = WaitForGraph.cycleThrough(client, table::waitsFor);
        if (!cycle.isEmpty()) {
            table.dequeue(lock, client);
            table.forgetIfIdle(client);
            table.deadlocksTotal++;
            return LockResponses.deadlock(cycle);
        }
        table.refresh(lease, a.ttlMs());
        return LockResponses.queued(holders, lock.positionOf(client));
    }

    private ApplyResult release(long index, Release r) {
        KeyLock lock = table.keys.get(r.key());
        if (lock == null) {
            return ApplyResult.error(404, LockResponses.NOT_HELD_OR_WAITING);
        }
        boolean wasHolding = lock.holders.containsKey(r.clientId());
        // A holder's release also withdraws its pending upgrade, if any.
        boolean wasWaiting = table.dequeue(lock, r.clientId());
        table.unhold(lock, r.clientId());
        if (!wasHolding && !wasWaiting) {
            return ApplyResult.error(404, LockResponses.NOT_HELD_OR_WAITING);
        }
        settle(lock, index);
        table.forgetIfIdle(r.clientId());
        return LockResponses.released(!wasHolding);
    }

    private ApplyResult renew(Renew r) {
        ClientLease lease = table.clients.get(r.clientId());
        if (lease == null) {
            return ApplyResult.error(404, LockResponses.NO_LOCKS);
        }
        table.refresh(lease, lease.ttlMs);
        return LockResponses.renewed(lease.held.size());
    }

    private ApplyResult cancelWait(long index, CancelWait c) {
        KeyLock lock = table.keys.get(c.key());
        if (lock != null && table.dequeue(lock, c.clientId())) {
            settle(lock, index);
            table.forgetIfIdle(c.clientId());
            return LockResponses.busy(lock.holderIdsExcept(c.clientId()));
        }
        if (lock != null && lock.holders.containsKey(c.clientId())) {
            return LockResponses.granted(grantOf(lock, c.clientId()));
        }
        return ApplyResult.error(404, LockResponses.NOT_WAITING);
    }

    /** Drops each listed client whose lease was not refreshed since the leader counted it out. */
    private ApplyResult expireUnrenewed(long index, ExpireUnrenewed e) {
        Map<String, Long> counted = new HashMap<>();
        for (int i = 0; i < e.clientIds().size(); i++) {
            counted.putIfAbsent(e.clientIds().get(i), e.refreshIndexes().get(i));
        }
        return expire(index, e.clientIds(), clientId -> table.clients.get(clientId).refreshIndex == counted.get(clientId));
    }

    /** Drops listed clients that have a lease and for which {@code due} holds, then promotes waiters. */
    private ApplyResult expire(long index, List<String> clientIds, Predicate<String> due) {
        List<String> expired = new ArrayList<>();
        TreeSet<String> touched = new TreeSet<>();
        for (String clientId : new LinkedHashSet<>(clientIds)) {
            ClientLease lease = table.clients.get(clientId);
            if (lease == null || !due.test(clientId)) {
                continue; // unknown, or renewed since the leader saw it expire
            }
            expired.add(clientId);
            touched.addAll(lease.held);
            touched.addAll(lease.waiting);
            for (String key : List.copyOf(lease.waiting)) {
                table.dequeue(table.keys.get(key), clientId);
            }
            for (String key : List.copyOf(lease.held)) {
                table.unhold(table.keys.get(key), clientId);
            }
            table.clients.remove(clientId);
        }
        // Promote only after every expired client is gone, so none of them is granted anything.
        for (String key : touched) {
            settle(table.keys.get(key), index);
        }
        table.expiredTotal += expired.size();
        return LockResponses.expired(expired);
    }

    private void settle(KeyLock lock, long fence) {
        recentGrants.addAll(table.promote(lock, fence));
        table.forgetIfIdle(lock);
    }

    private LockGrant grantOf(KeyLock lock, String clientId) {
        KeyLock.Holder holder = lock.holders.get(clientId);
        long deadline = table.clients.get(clientId).deadlineMs;
        return new LockGrant(lock.key, clientId, holder.mode(), holder.fence(), deadline);
    }

    @Override
    public byte[] snapshot() {
        return LockSnapshots.encode(table);
    }

    @Override
    public void restore(byte[] snapshot) {
        table = LockSnapshots.decode(snapshot);
        recentGrants = new ArrayList<>();
    }

    // ---- pure queries for the shell ----

    /**
     * Clients (sorted) whose wall-clock deadline is before {@code nowMs}: candidates for the legacy
     * {@link Expire} command. Nodes count leases down with {@link #leases()} instead.
     */
    public List<String> expiredClients(long nowMs) {
        List<String> ids = new ArrayList<>();
        table.clients.forEach((id, lease) -> {
            if (lease.deadlineMs < nowMs) {
                ids.add(id);
            }
        });
        return ids;
    }

    /** One client's lease as the leader's countdown sees it. */
    public record LeaseView(String clientId, long refreshIndex, long ttlMs) {}

    /** Every live lease (sorted by client): what the leader counts down. */
    public List<LeaseView> leases() {
        List<LeaseView> views = new ArrayList<>(table.clients.size());
        table.clients.forEach((id, lease) -> views.add(new LeaseView(id, lease.refreshIndex, lease.ttlMs)));
        return views;
    }

    /** Grants made since the last call, in the order made, including promoted waiters. */
    public List<LockGrant> takeRecentGrants() {
        List<LockGrant> taken = recentGrants;
        recentGrants = new ArrayList<>();
        return taken;
    }

    public Optional<LockGrant> grantOf(String key, String clientId) {
        KeyLock lock = table.keys.get(key);
        if (lock == null || !lock.holders.containsKey(clientId)) {
            return Optional.empty();
        }
        return Optional.of(grantOf(lock, clientId));
    }

    /** The key's holders and queue; an idle key reports none and {@code last_fence} null. */
    public JsonNode status(String key) {
        ObjectNode body = ApplyResult.object();
        body.put("key", key);
        ArrayNode holders = body.putArray("holders");
        ArrayNode waiters = body.putArray("waiters");
        KeyLock lock = table.keys.get(key);
        if (lock == null) {
            body.putNull("last_fence");
            return body;
        }
        lock.holders.forEach((id, holder) -> {
            ObjectNode h = holders.addObject();
            h.put("client_id", id);
            h.put("mode", holder.mode().name());
            h.put("fence", holder.fence());
            h.put("expires_at_ms", table.clients.get(id).deadlineMs);
        });
        for (KeyLock.Waiter waiter : lock.queue) {
            ObjectNode w = waiters.addObject();
            w.put("client_id", waiter.clientId());
            w.put("mode", waiter.mode().name());
            if (lock.holders.containsKey(waiter.clientId())) {
                w.put("upgrade", true);
            }
        }
        body.put("last_fence", lock.lastFence);
        return body;
    }

    public int heldCount() {
        return table.clients.values().stream().mapToInt(lease -> lease.held.size()).sum();
    }

    public int waiterCount() {
        return table.clients.values().stream().mapToInt(lease -> lease.waiting.size()).sum();
    }

    public long expiredTotal() {
        return table.expiredTotal;
    }

    public long deadlocksTotal() {
        return table.deadlocksTotal;
    }

    /** The state machine's clock: the highest command time applied so far. */
    public long clockMs() {
        return table.clockMs;
    }

    LockTable table() {
        return table;
    }
}
