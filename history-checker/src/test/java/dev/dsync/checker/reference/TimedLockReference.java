package dev.dsync.checker.reference;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.checker.history.History;
import dev.dsync.checker.history.Operation;
import dev.dsync.checker.history.Outcome;
import dev.dsync.checker.model.LockReacquires;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Brute-force judge of the timed rw-lock semantics, written independently of the production
 * model: per key, every order allowed by real time, every relevant linearization time for each
 * operation (the earliest one, or any holder's lease bound inside the operation's window), and
 * every subset of holders whose lease may have run out by then expiring explicitly before the
 * operation (no lazy eviction, no client bits, no reductions). Meant for a dozen operations.
 *
 * <p>The semantics (docs/checker.md): a key's operations are its acquires and releases plus, for
 * each client that has one of them, its renews (any key) and its ok acquires of other keys, the
 * refreshes. A hold's bound is the instant before which its lease cannot have run out: invoke of
 * the granting acquire + ttl x (1 - rho) (no ttl: its invoke). A refresh (or re-acquire) raises it
 * to its own invoke + ttl x (1 - rho) if the client holds the key and the refresh completed ok
 * before the current bound. An X acquire by an S holder is an upgrade: it replaces the hold and
 * conflicts only with the other holders. Times are non-decreasing along the order.
 */
public final class TimedLockReference {
    private TimedLockReference() {
    }

    private record Hold(char mode, long bound) {
    }

    private record State(Map<String, Hold> holders, Long lastFence, long now) {
    }

    /** True iff every key of the history is linearizable under the timed semantics. */
    public static boolean valid(History h, double rho) {
        Set<String> keys = new LinkedHashSet<>();
        for (Operation op : h.operations()) {
            if (!op.f().equals("renew")) {
                keys.add(op.key());
            }
        }
        for (String key : keys) {
            if (!keyValid(h, key, rho)) {
                return false;
            }
        }
        return true;
    }

    private static boolean keyValid(History h, String key, double rho) {
        Set<String> clients = new HashSet<>();
        List<Operation> own = new ArrayList<>();
        for (Operation op : h.operations()) {
            if (!op.f().equals("renew") && Objects.equals(op.key(), key)) {
                clients.add(RefModels.lockClient(op));
                if (op.outcome() != Outcome.FAIL) {
                    own.add(op);
                }
            }
        }
        List<Operation> ops = new ArrayList<>(own);
        for (Operation op : h.operations()) {
            boolean foreignOk = op.f().equals("acquire") && !Objects.equals(op.key(), key) && op.outcome() == Outcome.OK;
            boolean renew = op.f().equals("renew") && op.outcome() != Outcome.FAIL;
            if ((foreignOk || renew) && clients.contains(RefModels.lockClient(op))) {
                ops.add(op);
            }
        }
        Set<Long> reacquires = LockReacquires.find(own, RefModels::lockClient, key);
        return new Search(key, rho, reacquires).run(ops, new State(Map.of(), null, Long.MIN_VALUE));
    }

    private static final class Search {
        private final String key;
        private final double rho;
        private final Set<Long> reacquires;
        private final Set<String> failed = new HashSet<>();

        Search(String key, double rho, Set<Long> reacquires) {
            this.key = key;
            this.rho = rho;
            this.reacquires = reacquires;
        }

        boolean run(List<Operation> remaining, State s) {
            if (remaining.stream().noneMatch(o -> o.outcome() == Outcome.OK)) {
                return true;
            }
            String memo = remaining.stream().map(o -> String.valueOf(o.id())).toList() + "|" + s;
            if (failed.contains(memo)) {
                return false;
            }
            for (Operation o : remaining) {
                if (!mayGoNext(o, remaining)) {
                    continue;
                }
                List<Operation> rest = new ArrayList<>(remaining);
                rest.remove(o);
                long latest = o.outcome() == Outcome.OK ? o.completeTime() : Long.MAX_VALUE;
                long earliest = Math.max(s.now(), o.invokeTime());
                TreeSet<Long> times = new TreeSet<>();
                times.add(earliest);
                for (Hold hold : s.holders().values()) {
                    if (hold.bound() > earliest) {
                        times.add(hold.bound());
                    }
                }
                for (long t : times) {
                    if (t > latest) {
                        continue;
                    }
                    for (Map<String, Hold> alive : expirations(s.holders(), t)) {
                        State next = apply(new State(alive, s.lastFence(), t), o);
                        if (next != null && run(rest, next)) {
                            return true;
                        }
                    }
                }
            }
            failed.add(memo);
            return false;
        }

        private static boolean mayGoNext(Operation o, List<Operation> remaining) {
            for (Operation m : remaining) {
                if (m != o && m.outcome() == Outcome.OK && m.completeIndex() < o.invokeIndex()) {
                    return false;
                }
            }
            return true;
        }

        /** Every subset of the holders that keeps all whose lease cannot have run out by t. */
        private static List<Map<String, Hold>> expirations(Map<String, Hold> holders, long t) {
            List<String> mayGo = new ArrayList<>();
            holders.forEach((c, hold) -> {
                if (hold.bound() <= t) {
                    mayGo.add(c);
                }
            });
            List<Map<String, Hold>> out = new ArrayList<>();
            for (int mask = 0; mask < (1 << mayGo.size()); mask++) {
                Map<String, Hold> kept = new TreeMap<>(holders);
                for (int i = 0; i < mayGo.size(); i++) {
                    if ((mask & (1 << i)) != 0) {
                        kept.remove(mayGo.get(i));
                    }
                }
                out.add(Map.copyOf(kept));
            }
            return out;
        }

        private long lease(Operation o) {
            JsonNode v = o.invokeValue();
            JsonNode ttl = v == null ? null : v.get("ttl_ms");
            return ttl == null || ttl.asLong() <= 0 ? -1 : (long) Math.floor(ttl.asLong() * 1e6 * (1 - rho));
        }

        private State apply(State s, Operation o) {
            String client = RefModels.lockClient(o);
            Map<String, Hold> h = new TreeMap<>(s.holders());
            boolean refresh = o.f().equals("renew") || !Objects.equals(o.key(), key);
            if (refresh || reacquires.contains(o.invokeIndex())) {
                Hold mine = h.get(client);
                if (!refresh) {
                    char asked = o.invokeValue().get("mode").asText().charAt(0);
                    if (mine == null || (asked == 'X' && mine.mode() != 'X')) {
                        return null;
                    }
                }
                JsonNode r = o.resultValue();
                boolean renewedNothing = o.f().equals("renew") && r != null && r.has("renewed") && !r.get("renewed").asBoolean();
                long completed = o.outcome() == Outcome.OK ? o.completeTime() : Long.MAX_VALUE;
                if (mine != null && lease(o) >= 0 && !renewedNothing && completed < mine.bound()) {
                    h.put(client, new Hold(mine.mode(), Math.max(mine.bound(), o.invokeTime() + lease(o))));
                }
                return new State(Map.copyOf(h), s.lastFence(), s.now());
            }
            if (o.f().equals("release")) {
                JsonNode r = o.resultValue();
                boolean withdrawal = r != null && r.path("was_waiting").asBoolean(false);
                return h.remove(client) == null && !withdrawal ? null : new State(Map.copyOf(h), s.lastFence(), s.now());
            }
            char mode = o.invokeValue().get("mode").asText().charAt(0);
            long before = Long.MIN_VALUE; // an upgrade keeps the bound it had, if later
            if (mode == 'X' && s.holders().containsKey(client) && s.holders().get(client).mode() == 'S') {
                before = h.remove(client).bound(); // an upgrade: the S hold becomes X once the others are gone
            }
            if (h.containsKey(client) || (!h.isEmpty() && (mode == 'X' || h.values().stream().anyMatch(x -> x.mode() == 'X')))) {
                return null;
            }
            Long fence = s.lastFence();
            JsonNode r = o.resultValue();
            JsonNode f = r != null && r.isObject() ? r.get("fence") : r;
            if (o.outcome() == Outcome.OK && f != null && !f.isNull()) {
                if (fence != null && f.asLong() <= fence) {
                    return null;
                }
                fence = f.asLong();
            }
            long lease = lease(o);
            h.put(client, new Hold(mode, Math.max(before, lease >= 0 ? o.invokeTime() + lease : o.invokeTime())));
            return new State(Map.copyOf(h), fence, s.now());
        }
    }
}
