package dev.dsync.checker.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.checker.CheckOptions;
import dev.dsync.checker.LeaseModel;
import dev.dsync.checker.history.History;
import dev.dsync.checker.history.Operation;
import dev.dsync.checker.history.Outcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The lease side of rw-lock histories: which lease model applies, how long a lease surely
 * lasts, and which operations of other keys refresh a key's holds.
 *
 * <p>The lock service keeps one lease per client: an ok {@code acquire} (on any key) or a
 * key-less {@code renew} refreshes it for every lock the client holds. So in the timed model a
 * key's problem also gets, for each client that acquires or releases on it, that client's
 * renews and its ok acquires on other keys, as <em>refresh</em> operations (they carry a key
 * other than the group's, or none). Info acquires on other keys are left out: a refresh only
 * extends leases, so "it did not happen" is always the more permissive choice.
 */
public final class LockLeaseOps {
    private LockLeaseOps() {
    }

    /** The client of a lock operation: {@code value.client}, else the process id. */
    public static String clientOf(Operation op) {
        JsonNode v = op.invokeValue();
        if (v != null && v.isObject() && v.has("client") && !v.get("client").isNull()) {
            JsonNode c = v.get("client");
            return c.isTextual() ? c.textValue() : c.toString();
        }
        return Integer.toString(op.process());
    }

    /** The requested lease {@code ttl_ms} of an acquire or renew, or -1 when it has none. */
    public static long ttlMillis(Operation op) {
        JsonNode v = op.invokeValue();
        JsonNode t = v != null && v.isObject() ? v.get("ttl_ms") : null;
        return t != null && t.isNumber() && t.asLong() > 0 ? t.asLong() : -1;
    }

    /**
     * How long after its invoke an acquire's or renew's lease surely still runs, in ns:
     * ttl_ms x (1 - rho) (a server whose clock runs up to rho fast may expire it that early),
     * or -1 when the operation carries no ttl_ms (no guarantee at all).
     */
    public static long surelyAliveNanos(Operation op, double rho) {
        long ttl = ttlMillis(op);
        return ttl < 0 ? -1 : (long) Math.floor(ttl * 1_000_000.0 * (1 - rho));
    }

    /** True for a key-less renew, or for an acquire of another key than {@code key}. */
    public static boolean isRefresh(Operation op, String key) {
        return op.f().equals("renew") || (op.f().equals("acquire") && !Objects.equals(op.key(), key));
    }

    /**
     * An ok release that answers {@code "was_waiting": true} also (or only) withdrew a queued
     * request: valid whether or not the client held the lock, and ends its hold if it had one.
     */
    public static boolean withdrew(Operation op) {
        JsonNode r = op.resultValue();
        JsonNode w = r != null && r.isObject() ? r.get("was_waiting") : null;
        return op.f().equals("release") && w != null && w.isBoolean() && w.booleanValue();
    }

    /** A renew that answered ok but says it renewed nothing extends no lease. */
    public static boolean renewedSomething(Operation op) {
        JsonNode r = op.resultValue();
        JsonNode renewed = r != null && r.isObject() ? r.get("renewed") : null;
        return renewed == null || !renewed.isBoolean() || renewed.booleanValue();
    }

    /** AUTO becomes TIMED when some acquire carries ttl_ms, else UNTIMED. */
    static CheckOptions resolve(History h, CheckOptions o) {
        if (o.leaseModel() != LeaseModel.AUTO) {
            return o;
        }
        boolean timed = h.operations().stream().anyMatch(op -> op.f().equals("acquire") && ttlMillis(op) > 0);
        return o.withLeaseModel(timed ? LeaseModel.TIMED : LeaseModel.UNTIMED);
    }

    /**
     * Groups by key. Untimed: renews are dropped (any lease may expire at any instant, so
     * refreshing one changes nothing). Timed: each key also gets its clients' refreshes.
     */
    static Map<String, List<Operation>> split(History h, CheckOptions o) {
        Map<String, List<Operation>> byKey = new LinkedHashMap<>();
        Map<String, List<Operation>> refreshesOf = new LinkedHashMap<>();
        for (Operation op : h.operations()) {
            boolean renew = op.f().equals("renew");
            if (!renew) {
                byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
            }
            if (renew || (op.f().equals("acquire") && op.outcome() == Outcome.OK)) {
                refreshesOf.computeIfAbsent(clientOf(op), c -> new ArrayList<>()).add(op);
            }
        }
        if (!o.timedLeases()) {
            return byKey;
        }
        Map<String, List<Operation>> out = new LinkedHashMap<>();
        byKey.forEach((key, own) -> {
            Set<String> clients = new LinkedHashSet<>();
            own.forEach(op -> clients.add(clientOf(op)));
            List<Operation> all = new ArrayList<>(own);
            for (String c : clients) {
                for (Operation r : refreshesOf.getOrDefault(c, List.of())) {
                    if (isRefresh(r, key)) {
                        all.add(r);
                    }
                }
            }
            all.sort(Comparator.comparingLong(Operation::invokeIndex));
            out.put(key, List.copyOf(all));
        });
        return out;
    }
}
