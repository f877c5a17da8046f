package dev.dsync.checker.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.checker.CheckOptions;
import dev.dsync.checker.history.History;
import dev.dsync.checker.history.HistoryFormatException;
import dev.dsync.checker.history.Operation;
import dev.dsync.checker.history.Outcome;
import dev.dsync.checker.linear.KeyProblem;
import dev.dsync.checker.linear.ProblemBuilder;
import dev.dsync.checker.linear.SequentialSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A reader-writer lock per key with fencing tokens.
 *
 * <p>{@code acquire} takes {@code {"mode":"S"|"X","client":c}}; its ok value carries the fence
 * ({@code {"fence":n}} or just {@code n}). {@code release} takes {@code {"client":c}}. The client
 * defaults to the process id. Rules: S is compatible with S, X with nothing; the lock is not
 * re-entrant; a release is allowed only by a holder; every granted fence is strictly greater
 * than all fences granted before it in the linearization.
 *
 * <p>Lease expiry (when {@link CheckOptions#leaseExpiry()} is on): holders may lose the lock
 * at any time. This is modelled lazily and deterministically: an acquire that conflicts with
 * current holders evicts them; an evicted client is no longer a holder, so its later ok
 * release is a violation. Evicting only when needed is the most permissive choice, so no
 * verdict depends on when an expiry "really" happened.
 *
 * <p>This is the untimed lease model. With {@code ttl_ms} in the history (or
 * {@code --lease-model timed}) the key is compiled by {@link TimedRwLock} instead, where a hold
 * may end without a release only once its lease has surely run out.
 *
 * <p>State layout (long): bits 0..19 rank of the last granted fence (0 = none), bit 20 set
 * when the holders hold X, bits 21..63 one bit per client (at most 43 clients per key).
 */
public final class RwLockModel implements Model {
    static final int MAX_CLIENTS = 43;
    static final int MAX_FENCES = (1 << 20) - 1;
    private static final long FENCE_MASK = (1L << 20) - 1;
    private static final long X_BIT = 1L << 20;
    private static final byte ACQUIRE_S = 0;
    private static final byte ACQUIRE_X = 1;
    private static final byte RELEASE = 2;
    /** An idempotent re-acquire (see {@link LockReacquires}): needs a hold, changes nothing. */
    private static final byte REACQUIRE_S = 3;
    private static final byte REACQUIRE_X = 4;
    /** A release that also withdrew a queued request ({@link LockLeaseOps#withdrew}): no hold needed. */
    private static final byte WITHDRAW = 5;

    @Override
    public String name() {
        return "rw-lock";
    }

    @Override
    public CheckOptions resolve(History history, CheckOptions options) {
        return LockLeaseOps.resolve(history, options);
    }

    @Override
    public Map<String, List<Operation>> split(History history, CheckOptions options) {
        return LockLeaseOps.split(history, options);
    }

    @Override
    public KeyProblem compile(String key, List<Operation> ops, CheckOptions options) {
        if (options.timedLeases()) {
            return TimedRwLock.compile(key, ops, options);
        }
        List<Operation> candidates = new ArrayList<>();
        for (Operation op : ops) {
            if (op.outcome() != Outcome.FAIL && !op.f().equals("renew")) {
                candidates.add(op);
            }
        }
        LockClientSlots slots = new LockClientSlots(candidates, op -> clientOf(op, op.invokeValue()), options.leaseExpiry());
        if (slots.slots() > MAX_CLIENTS) {
            throw new HistoryFormatException(slots.ops.get(0).invokeLine(), "rw-lock supports at most " + MAX_CLIENTS
                    + " clients per key whose operations overlap in time; key " + key + " has " + slots.slots());
        }
        java.util.Set<Long> reacquires = LockReacquires.find(candidates, op -> clientOf(op, op.invokeValue()), key);
        List<String> clientNames = new ArrayList<>();
        slots.slotClients.forEach(names -> clientNames.add(String.join("/", names)));
        TreeSet<Long> fences = new TreeSet<>();
        List<Operation> kept = new ArrayList<>();
        List<long[]> parsed = new ArrayList<>(); // {kind, slot, fence or Long.MIN_VALUE, clears slot}
        for (int j = 0; j < slots.ops.size(); j++) {
            Operation op = slots.ops.get(j);
            JsonNode v = op.invokeValue();
            long kind;
            long fence = Long.MIN_VALUE;
            switch (op.f()) {
                case "acquire" -> {
                    kind = mode(op, v) == 'X' ? ACQUIRE_X : ACQUIRE_S;
                    if (reacquires.contains(op.invokeIndex())) {
                        kind = kind == ACQUIRE_X ? REACQUIRE_X : REACQUIRE_S;
                    } else if (op.outcome() == Outcome.OK) {
                        fence = fenceOf(op);
                        if (fence != Long.MIN_VALUE) {
                            fences.add(fence);
                        }
                    }
                }
                case "release" -> kind = LockLeaseOps.withdrew(op) ? WITHDRAW : RELEASE;
                default -> throw new HistoryFormatException(op.invokeLine(),
                        "model rw-lock has no operation '" + op.f() + "' (expected acquire, release)");
            }
            kept.add(op);
            parsed.add(new long[] {kind, slots.slotOf.get(j), fence, slots.clearsSlot.get(j) ? 1 : 0});
        }
        FenceRanks ranks = FenceRanks.of(fences);
        Map<Long, Integer> fenceRank = ranks.rankOf();
        List<Long> fenceByRank = ranks.fenceByRank();
        ProblemBuilder b = new ProblemBuilder();
        int n = kept.size();
        byte[] kind = new byte[n];
        int[] client = new int[n];
        int[] rank = new int[n];
        boolean[] clears = new boolean[n];
        for (int j = 0; j < n; j++) {
            Operation op = kept.get(j);
            long[] p = parsed.get(j);
            long ret = op.outcome() == Outcome.OK ? op.completeIndex() : Long.MAX_VALUE;
            int i = b.add(op, ret, List.of(p[0], p[1]));
            kind[i] = (byte) p[0];
            client[i] = (int) p[1];
            rank[i] = p[2] == Long.MIN_VALUE ? 0 : fenceRank.get(p[2]);
            clears[i] = p[3] == 1;
        }
        if (options.leaseExpiry()) {
            b.note("lease expiry allowed: a conflicting acquire may evict holders, whose later ok release is then a violation");
        }
        return b.build(key, new Spec(kind, client, rank, clears, options.leaseExpiry(), clientNames, fenceByRank));
    }

    private static String clientOf(Operation op, JsonNode v) {
        if (v != null && v.isObject() && v.has("client") && !v.get("client").isNull()) {
            JsonNode c = v.get("client");
            return c.isTextual() ? c.textValue() : c.toString();
        }
        return Integer.toString(op.process());
    }

    static char mode(Operation op, JsonNode v) {
        JsonNode m = v != null && v.isObject() ? v.get("mode") : null;
        if (m == null || !m.isTextual() || !(m.textValue().equals("S") || m.textValue().equals("X"))) {
            throw new HistoryFormatException(op.invokeLine(), "acquire value needs \"mode\": \"S\" or \"X\", found " + v);
        }
        return m.textValue().charAt(0);
    }

    /** The fence of an ok acquire, or Long.MIN_VALUE if it reported none. */
    static long fenceOf(Operation op) {
        JsonNode r = op.resultValue();
        JsonNode f = r != null && r.isObject() ? r.get("fence") : r;
        if (f == null || f.isNull()) {
            return Long.MIN_VALUE;
        }
        if (!f.isIntegralNumber() || !f.canConvertToLong()) {
            throw new HistoryFormatException(op.invokeLine(), "acquire fence must be an integer, found " + f);
        }
        return f.longValue();
    }

    /** Transition function; see the class comment for the state layout. */
    private record Spec(byte[] kind, int[] client, int[] rank, boolean[] clears, boolean expiry,
                        List<String> clientNames, List<Long> fenceByRank) implements SequentialSpec {
        @Override
        public long initialState() {
            return 0;
        }

        @Override
        public long step(long state, int op) {
            long me = 1L << client[op];
            if (clears[op] && ((state >>> 21) & me) != 0) {
                // This client takes over a bit from one that is done: that one's hold has expired.
                long rest = (state >>> 21) & ~me;
                state = (rest << 21) | (rest == 0 ? 0 : state & X_BIT) | (state & FENCE_MASK);
            }
            long holders = state >>> 21;
            if (kind[op] == REACQUIRE_S || kind[op] == REACQUIRE_X) {
                boolean covered = (holders & me) != 0 && (kind[op] == REACQUIRE_S || (state & X_BIT) != 0);
                return covered ? state : INVALID;
            }
            if (kind[op] == RELEASE || kind[op] == WITHDRAW) {
                if ((holders & me) == 0) {
                    if (kind[op] == WITHDRAW) {
                        return state;
                    }
                    return INVALID;
                }
                long rest = holders & ~me;
                return (rest << 21) | (rest == 0 ? 0 : state & X_BIT) | (state & FENCE_MASK);
            }
            boolean x = kind[op] == ACQUIRE_X;
            boolean conflict = (holders & me) != 0 || (holders != 0 && (x || (state & X_BIT) != 0));
            if (conflict && !expiry) {
                return INVALID;
            }
            long last = state & FENCE_MASK;
            long fence = last;
            if (rank[op] != 0) {
                if (rank[op] <= last) {
                    return INVALID;
                }
                fence = rank[op];
            }
            // On conflict (expiry allowed) evict exactly the conflicting holders, never more:
            // X conflicts with everyone; S with an X holder and with the client's own hold.
            long kept;
            if (!conflict) {
                kept = holders;
            } else if (x || (state & X_BIT) != 0) {
                kept = 0;
            } else {
                kept = holders & ~me;
            }
            return ((kept | me) << 21) | (x ? X_BIT : 0) | fence;
        }

        @Override
        public String describeState(long state) {
            long holders = state >>> 21;
            StringBuilder s = new StringBuilder();
            if (holders == 0) {
                s.append("free");
            } else {
                s.append((state & X_BIT) != 0 ? "X held by " : "S held by ");
                boolean first = true;
                for (int c = 0; c < MAX_CLIENTS; c++) {
                    if ((holders & (1L << c)) != 0) {
                        s.append(first ? "" : ", ").append(clientNames.get(c));
                        first = false;
                    }
                }
            }
            long rank = state & FENCE_MASK;
            s.append("; last fence ").append(rank == 0 ? "none" : String.valueOf(fenceByRank.get((int) rank)));
            return s.toString();
        }
    }
}
