package dev.dsync.lock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dsync.statemachine.ApplyResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Thousands of random commands over few keys and clients (so contention, upgrades, deadlocks and
 * expiries are common), with the invariants checked after every apply, fences checked on every
 * grant, and a restored twin that must answer every later command identically.
 */
class LockRandomizedTest {
    private static final int STEPS = 4_000;
    private static final String[] KEYS = {"k0", "k1", "k2", "k3"};
    private static final int CLIENTS = 7;

    private Random random;
    private final LockHarness h = new LockHarness();
    /** The highest fence granted so far, on any key. */
    private long highestFence;
    /** Per key, the fence of the latest grant made by an earlier command. */
    private final Map<String, Long> lastFence = new HashMap<>();
    private LockStateMachine twin;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 20240601})
    void randomCommandsKeepEveryInvariant(long seed) {
        random = new Random(seed);
        int[] statuses = new int[600];
        for (int step = 0; step < STEPS; step++) {
            advanceClock();
            LockCommand decoded = randomCommand();
            byte[] command = decoded == null ? GARBAGE : decoded.encode();
            List<String> holdersBefore = decoded instanceof LockCommand.Acquire a ? h.holders(a.key()) : null;
            List<String> waitersBefore = decoded instanceof LockCommand.Acquire a ? h.waiters(a.key()) : null;
            boolean exclusiveBefore = decoded instanceof LockCommand.Acquire a && isExclusive(a.key());
            ApplyResult result = h.raw(command); // checks LockInvariants
            statuses[result.status()]++;
            if (decoded instanceof LockCommand.Acquire a) {
                checkAcquire(a, result, holdersBefore, waitersBefore, exclusiveBefore);
            }
            checkGrants(h.sm.takeRecentGrants());
            if (twin != null) {
                ApplyResult echo = twin.apply(h.index, h.nowMs, command);
                assertEquals(result, echo, "restored twin diverged at step " + step);
                twin.takeRecentGrants();
            }
            if (step % 500 == 250) {
                twin = new LockStateMachine();
                twin.restore(h.sm.snapshot());
            }
        }
        assertArrayEquals(h.sm.snapshot(), twin.snapshot());
        // Every kind of answer showed up, so the run exercised every rule.
        for (int status : new int[] {200, 202, 400, 404, 409}) {
            assertTrue(statuses[status] > 0, "no " + status + " answers with seed " + seed);
        }
        assertTrue(h.sm.deadlocksTotal() > 0, "no deadlocks with seed " + seed);
        assertTrue(h.sm.expiredTotal() > 0, "no expiries with seed " + seed);
        drain();
    }

    /** Mostly forward, sometimes a leader with a slower clock. */
    private void advanceClock() {
        h.nowMs += random.nextInt(10) == 0 ? -random.nextInt(2_000) : random.nextInt(400);
    }

    private static final byte[] GARBAGE = "{\"op\":\"acquire\"}".getBytes(StandardCharsets.UTF_8);

    /** A random command, or null for a malformed one. */
    private LockCommand randomCommand() {
        String key = KEYS[random.nextInt(KEYS.length)];
        String client = "c" + random.nextInt(CLIENTS);
        int roll = random.nextInt(100);
        LockCommand command;
        if (roll < 45) {
            LockMode mode = random.nextBoolean() ? LockMode.S : LockMode.X;
            command = new LockCommand.Acquire(key, mode, client, 500 + random.nextInt(5_000), random.nextInt(4) > 0);
        } else if (roll < 70) {
            command = new LockCommand.Release(key, client);
        } else if (roll < 78) {
            command = new LockCommand.Renew(client);
        } else if (roll < 86) {
            command = new LockCommand.CancelWait(key, client);
        } else if (roll < 93) {
            // What a leader would propose, computed a little earlier than it is applied.
            command = new LockCommand.Expire(h.sm.expiredClients(h.nowMs - random.nextInt(300)));
        } else if (roll < 98) {
            command = new LockCommand.Expire(List.of(client, "c" + random.nextInt(CLIENTS)));
        } else {
            return null;
        }
        return command;
    }

    private boolean isExclusive(String key) {
        var holders = h.sm.status(key).get("holders");
        return holders.size() == 1 && holders.get(0).get("mode").asText().equals("X");
    }

    /**
     * An acquire by a newcomer is granted only if nobody waited (FIFO) and it fits the holders; a
     * queued newcomer goes to the tail (an upgrade to the head); a refusal changes nothing.
     */
    private void checkAcquire(LockCommand.Acquire a, ApplyResult result, List<String> holdersBefore,
                              List<String> waitersBefore, boolean exclusiveBefore) {
        String client = a.clientId();
        boolean held = holdersBefore.contains(client);
        boolean waited = waitersBefore.contains(client);
        switch (result.status()) {
            case 200 -> {
                assertTrue(h.holders(a.key()).contains(client));
                if (!held) {
                    assertTrue(waitersBefore.isEmpty(), "granted past waiters " + waitersBefore);
                    assertTrue(holdersBefore.isEmpty() || (a.mode() == LockMode.S && !exclusiveBefore),
                            () -> "granted " + a.mode() + " beside " + holdersBefore);
                }
            }
            case 202 -> {
                List<String> waiters = h.waiters(a.key());
                int position = result.body().get("queue_position").asInt();
                assertEquals(client, waiters.get(position - 1));
                if (!waited) {
                    assertEquals(held ? 1 : waitersBefore.size() + 1, position);
                }
            }
            case 409 -> {
                assertEquals(holdersBefore, h.holders(a.key()));
                assertEquals(waitersBefore, h.waiters(a.key()));
            }
            default -> throw new AssertionError("unexpected acquire answer " + result);
        }
    }

    /**
     * Every grant carries a fence of its own: at least the index of the command that made it and
     * above every fence granted before, on any key; one command grants a key to several clients
     * only as a run of S locks.
     */
    private void checkGrants(List<LockGrant> grants) {
        Map<String, List<LockGrant>> byKey = new HashMap<>();
        for (LockGrant grant : grants) {
            assertTrue(grant.fence() >= h.index, grant::toString);
            assertTrue(grant.fence() > highestFence, () -> grant + " after fence " + highestFence);
            highestFence = grant.fence();
            Long previous = lastFence.get(grant.key());
            assertTrue(previous == null || grant.fence() > previous, () -> grant + " after fence " + previous);
            assertEquals(grant.fence(), h.sm.grantOf(grant.key(), grant.clientId()).orElseThrow().fence());
            byKey.computeIfAbsent(grant.key(), k -> new ArrayList<>()).add(grant);
        }
        byKey.forEach((key, list) -> {
            assertTrue(list.size() == 1 || list.stream().allMatch(g -> g.mode() == LockMode.S), list::toString);
            lastFence.put(key, list.get(list.size() - 1).fence());
        });
    }

    /** Expiring everyone leaves nothing behind. */
    private void drain() {
        h.nowMs += 1_000_000;
        h.run(new LockCommand.Expire(h.sm.expiredClients(h.nowMs)));
        assertEquals(0, h.sm.heldCount());
        assertEquals(0, h.sm.waiterCount());
        assertTrue(h.sm.table().keys.isEmpty() && h.sm.table().clients.isEmpty());
    }
}
