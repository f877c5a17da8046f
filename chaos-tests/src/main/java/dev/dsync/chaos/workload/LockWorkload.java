package dev.dsync.chaos.workload;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.chaos.cluster.Cluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lock clients that use the whole lock API on a few keys with short leases. Each client thread
 * runs one scenario after another, drawn from its seed:
 * <ul>
 * <li>plain: acquire S or X (at once, or waiting up to {@code waitMs}), hold briefly, release;</li>
 * <li>re-acquire: acquire, acquire again (idempotent: the same fence), release;</li>
 * <li>upgrade: acquire S, then X (granted at once to a sole S holder, else it waits), release;</li>
 * <li>renew: hold for longer than the lease, renewing (key-less) half-way, then release;</li>
 * <li>withdraw: an acquire that waits in the queue is withdrawn by a release sent beside it;</li>
 * <li>lapse: acquire and walk away without releasing or renewing: the next grant of the key must
 * respect the lease, which runs out {@code ttlMs} later (the identity is not used again);</li>
 * <li>two keys: X on two keys in random order, so clients taking them in opposite orders can
 * close a wait-for cycle, which the server refuses with 409 deadlock (recorded as fail).</li>
 * </ul>
 * Every acquire records its {@code ttl_ms}, {@code wait_ms} and {@code request_id}. Unknown
 * outcomes are retried by request id or abandoned as {@link LockSession} says. Operations the
 * current rw-lock checker cannot read (key-less renew, the withdrawing release, retries) are
 * recorded only with {@code fullApi}; without it renewals and withdrawals are still sent, unrecorded.
 */
public final class LockWorkload implements Workload {
    private static final int MAX_OPS_PER_CLIENT = 100_000;
    /** A withdrawn acquire waits this long; the withdrawal is sent well before it gives up. */
    private static final long WITHDRAW_WAIT_MS = 1_500;

    private final int clients;
    private final List<String> keys;
    private final long ttlMs;
    private final long waitMs;
    private final long seed;
    private final boolean fullApi;
    private final LockStats stats = new LockStats();

    public LockWorkload(int clients, int keyCount, long ttlMs, long waitMs, long seed) {
        this(clients, keyCount, ttlMs, waitMs, seed, false);
    }

    /** @param fullApi also record renew, withdrawals and retries by request id (the timed checker reads them) */
    public LockWorkload(int clients, int keyCount, long ttlMs, long waitMs, long seed, boolean fullApi) {
        this.clients = clients;
        this.keys = new ArrayList<>();
        for (int k = 0; k < keyCount; k++) {
            keys.add("lock-" + k);
        }
        this.ttlMs = ttlMs;
        this.waitMs = waitMs;
        this.seed = seed;
        this.fullApi = fullApi;
    }

    @Override
    public String model() {
        return "rw-lock";
    }

    @Override
    public String stats() {
        return stats.describe(fullApi);
    }

    @Override
    public void run(Cluster cluster, Recorder recorder, AtomicBoolean stop) throws InterruptedException {
        AtomicInteger nextProcess = new AtomicInteger(clients);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            LockSession session = new LockSession(c, cluster, recorder, nextProcess, stats, fullApi, ttlMs,
                    Math.max(waitMs, WITHDRAW_WAIT_MS) + 3_000);
            Random random = new Random(seed * 31 + c);
            threads.add(Thread.ofVirtual().name("lock-client-" + c).start(() -> client(session, random, stop)));
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    private void client(LockSession s, Random random, AtomicBoolean stop) {
        for (int op = 0; op < MAX_OPS_PER_CLIENT && !stop.get(); op++) {
            String key = keys.get(random.nextInt(keys.size()));
            String mode = random.nextBoolean() ? "S" : "X";
            int dice = random.nextInt(100);
            if (dice < 36) {
                stats.ran("plain");
                plain(s, key, mode, random.nextBoolean() ? waitMs : 0, random);
            } else if (dice < 46) {
                stats.ran("reacquire");
                reacquire(s, key, mode);
            } else if (dice < 56) {
                stats.ran("upgrade");
                upgrade(s, key);
            } else if (dice < 60) { // rare: it holds a key for 1.3 leases
                stats.ran("renew");
                renewWhileHolding(s, key, mode, stop);
            } else if (dice < 68) {
                stats.ran("withdraw");
                withdraw(s, key, 100 + random.nextInt(200));
            } else if (dice < 72) { // rare: the key stays taken until the lease runs out
                stats.ran("lapse");
                lapse(s, key, mode);
            } else if (keys.size() > 1) {
                stats.ran("two-keys");
                String other = keys.get((keys.indexOf(key) + 1 + random.nextInt(keys.size() - 1)) % keys.size());
                twoKeys(s, key, other, random);
            }
        }
    }

    private void plain(LockSession s, String key, String mode, long wait, Random random) {
        LockSession.Answer a = s.acquire(key, mode, wait);
        if (a.ok()) {
            sleepQuietly(random.nextInt(30));
            s.release(key);
        }
    }

    private void reacquire(LockSession s, String key, String mode) {
        LockSession.Answer first = s.acquire(key, mode, waitMs);
        if (!first.ok()) {
            return;
        }
        long grantedAt = System.nanoTime();
        LockSession.Answer again = s.acquire(key, mode, 0);
        if (again.ok() && again.fence() == first.fence()) {
            stats.reacquireSameFence.incrementAndGet();
        } else if (again.ok() && (System.nanoTime() - grantedAt) / 1_000_000 < s.ttlMs / 2) {
            stats.unexpected("re-acquire of " + key + " by " + s.clientId + " within its lease gave fence "
                    + again.fence() + ", not " + first.fence());
        }
        if (again.kind() != Outcome.Kind.INFO) {
            s.release(key);
        }
    }

    private void upgrade(LockSession s, String key) {
        LockSession.Answer shared = s.acquire(key, "S", waitMs);
        if (!shared.ok()) {
            return;
        }
        LockSession.Answer exclusive = s.acquire(key, "X", waitMs);
        if (exclusive.ok()) {
            stats.upgrades.incrementAndGet();
            if (exclusive.fence() <= shared.fence()) {
                stats.unexpected("upgrade of " + key + " by " + s.clientId + " kept fence " + exclusive.fence());
            }
        } else if (exclusive.deadlock()) {
            stats.deadlocks.incrementAndGet();
        }
        if (exclusive.kind() != Outcome.Kind.INFO) {
            s.release(key);
        }
    }

    /**
     * Holds for 1.3 leases: only the renewal half-way keeps the lock, so the release must succeed.
     * When the run stops, the holds are cut short (renewed and released at once), so the run does
     * not wait seconds for scenarios after its load ended.
     */
    private void renewWhileHolding(LockSession s, String key, String mode, AtomicBoolean stop) {
        if (!s.acquire(key, mode, waitMs).ok()) {
            return;
        }
        sleepUnlessStopping(s.ttlMs * 65 / 100, stop);
        long renewedAt = System.nanoTime();
        LockSession.Answer renewed = s.fullApi() ? s.renew()
                : s.unrecorded("/lock/renew", NodeClient.JSON.createObjectNode().put("client_id", s.clientId));
        if (renewed.kind() == Outcome.Kind.INFO) {
            if (!s.fullApi()) {
                s.abandonIdentity(); // recorded runs abandon in LockSession already
            }
            return;
        }
        if (renewed.ok()) {
            stats.renewed.incrementAndGet();
        }
        sleepUnlessStopping(s.ttlMs * 65 / 100, stop);
        LockSession.Answer released = s.release(key);
        if (renewed.ok() && released.status() == 404 && (System.nanoTime() - renewedAt) / 1_000_000 < s.ttlMs * 8 / 10) {
            stats.unexpected("release by " + s.clientId + " of " + key + " after an ok renew found no hold");
        }
    }

    /**
     * Sends an X acquire that waits, and after {@code afterMs}, if it is still waiting, withdraws it
     * with a release from a helper process (a history process has one operation at a time).
     */
    private void withdraw(LockSession s, String key, long afterMs) {
        CompletableFuture<LockSession.Answer> acquire = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> acquire.complete(s.acquire(key, "X", WITHDRAW_WAIT_MS)));
        LockSession.Answer done = await(acquire, afterMs);
        LockSession.Answer withdrawal = null;
        if (done == null) {
            withdrawal = s.fullApi() ? s.releaseAs(s.helperProcess(), key, false)
                    : s.unrecorded("/lock/release", NodeClient.JSON.createObjectNode().put("key", key).put("client_id", s.clientId));
            if (withdrawal.ok() && withdrawal.body() != null && withdrawal.body().path("was_waiting").asBoolean(false)) {
                stats.withdrawn.incrementAndGet();
            }
            done = await(acquire, 120_000); // bounded by the client timeout and retries
        }
        if (done == null || done.kind() == Outcome.Kind.INFO
                || withdrawal != null && withdrawal.kind() == Outcome.Kind.INFO) {
            if (done == null || done.kind() != Outcome.Kind.INFO) {
                s.abandonIdentity(); // what this identity holds is unknown now
            }
            return;
        }
        boolean stillHeld = done.ok() && (withdrawal == null || !withdrawal.ok());
        if (stillHeld) {
            s.release(key);
        }
    }

    private void lapse(LockSession s, String key, String mode) {
        if (s.acquire(key, mode, waitMs).ok()) {
            s.abandonIdentity();
            stats.abandoned.incrementAndGet();
        }
    }

    private void twoKeys(LockSession s, String first, String second, Random random) {
        if (!s.acquire(first, "X", waitMs).ok()) {
            return;
        }
        sleepQuietly(random.nextInt(20));
        LockSession.Answer b = s.acquire(second, "X", waitMs);
        if (b.kind() == Outcome.Kind.INFO) {
            return; // the identity is gone: its hold on the first key lapses
        }
        if (b.deadlock()) {
            stats.deadlocks.incrementAndGet();
        }
        sleepQuietly(random.nextInt(20));
        if (b.ok() && s.release(second).kind() == Outcome.Kind.INFO) {
            return;
        }
        s.release(first);
    }

    private static LockSession.Answer await(CompletableFuture<LockSession.Answer> f, long ms) {
        try {
            return f.get(ms, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private static void sleepUnlessStopping(long ms, AtomicBoolean stop) {
        long end = System.nanoTime() + ms * 1_000_000;
        for (long left = ms; left > 0 && !stop.get(); left = (end - System.nanoTime()) / 1_000_000) {
            sleepQuietly(Math.min(left, 50));
        }
    }

    static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
