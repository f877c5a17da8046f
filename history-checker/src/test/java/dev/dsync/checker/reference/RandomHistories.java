package dev.dsync.checker.reference;

import dev.dsync.checker.history.History;
import dev.dsync.checker.history.HistoryBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Tiny random single-object histories with random overlap and random outcomes, over small
 * value domains (so values repeat and many histories are invalid). Outcomes: ok 60%, fail
 * 15%, info 25% (an info retires the process; a third of them never report a completion).
 */
public final class RandomHistories {
    private RandomHistories() {
    }

    /** A random operation for a model: {f, invoke value, ok result}. */
    private record Op(String f, Object value, Object result) {
    }

    /**
     * rw-lock histories whose clients come and go (one identity per process, retired after an
     * info and sometimes after an ok), which exercises the model's sharing of client bits.
     */
    public static final String LOCK_CHURN = "rw-lock-churn";

    /**
     * Timed rw-lock histories: acquires with a small ttl_ms (1 to 6 ms, while events are 0 to
     * 1.5 ms apart, so leases run out within the history), releases, key-less renews and now and
     * then an acquire of a second key (which refreshes the client's lease too).
     */
    public static final String LOCK_TIMED = "rw-lock-timed";

    public static History random(String model, SplittableRandom r, int maxOps) {
        int nOps = 1 + r.nextInt(maxOps);
        int procs = 2 + r.nextInt(3);
        HistoryBuilder b = new HistoryBuilder();
        long[] now = {0};
        int[] process = new int[procs];
        Op[] pending = new Op[procs];
        char[] outcome = new char[procs];
        int nextProcess = 0;
        for (int s = 0; s < procs; s++) {
            process[s] = nextProcess++;
        }
        int invoked = 0;
        while (true) {
            List<Integer> choices = new ArrayList<>();
            for (int s = 0; s < procs; s++) {
                if (pending[s] != null || invoked < nOps) {
                    choices.add(s);
                }
            }
            if (choices.isEmpty()) {
                return b.build();
            }
            int s = choices.get(r.nextInt(choices.size()));
            if (model.equals(LOCK_TIMED)) {
                now[0] += 500_000L * r.nextInt(4);
                b.at(now[0]);
            }
            if (pending[s] == null) {
                Op op = op(model, r, process[s], invoked);
                pending[s] = op;
                invoked++;
                int roll = r.nextInt(20);
                outcome[s] = roll < 12 ? 'o' : roll < 15 ? 'f' : 'i';
                b.invoke(process[s], fOf(op), keyOf(model, op), op.value());
                continue;
            }
            Op op = pending[s];
            pending[s] = null;
            switch (outcome[s]) {
                case 'o' -> {
                    b.ok(process[s], fOf(op), keyOf(model, op), op.result());
                    if (model.equals(LOCK_CHURN) && r.nextInt(3) == 0) {
                        process[s] = nextProcess++; // a client that leaves: its identity is never used again
                    }
                }
                case 'f' -> b.fail(process[s], fOf(op), keyOf(model, op), op.value());
                default -> {
                    if (r.nextInt(3) > 0) {
                        b.info(process[s], fOf(op), keyOf(model, op), op.value());
                    }
                    process[s] = nextProcess++;
                }
            }
        }
    }

    private static String fOf(Op op) {
        return op.f().equals("acquire-m") ? "acquire" : op.f();
    }

    /** Timed lock histories use key L, a renew none, and a "refresh" acquire key M; others no key. */
    private static String keyOf(String model, Op op) {
        if (!model.equals(LOCK_TIMED) || op.f().equals("renew")) {
            return null;
        }
        return op.f().equals("acquire-m") ? "M" : "L";
    }

    private static Object small(SplittableRandom r) {
        int v = r.nextInt(4);
        return v == 3 ? null : v;
    }

    private static Op op(String model, SplittableRandom r, int process, int invoked) {
        switch (model) {
            case "register", "cas-register" -> {
                int k = r.nextInt(model.equals("register") ? 2 : 3);
                if (k == 0) {
                    return new Op("read", null, small(r));
                }
                if (k == 1) {
                    Object v = r.nextInt(3);
                    return new Op("write", v, v);
                }
                List<Object> ev = new ArrayList<>();
                ev.add(small(r));
                ev.add(r.nextInt(3));
                return new Op("cas", ev, ev);
            }
            case "fifo-queue" -> {
                if (r.nextBoolean()) {
                    Object v = 1 + r.nextInt(3);
                    return new Op("enqueue", v, v);
                }
                Object got = r.nextInt(4) == 0 ? null : 1 + r.nextInt(3);
                return new Op("dequeue", null, got);
            }
            case "rw-lock", LOCK_CHURN -> {
                // Churn: one client identity per process, as the chaos bench's clients do.
                String client = model.equals(LOCK_CHURN) ? "p" + process : "c" + r.nextInt(3);
                if (r.nextInt(3) == 0) {
                    return new Op("release", Map.of("client", client), null);
                }
                String mode = r.nextBoolean() ? "S" : "X";
                Object fence = r.nextInt(5) == 0 ? null : Map.of("fence", 1 + r.nextInt(6));
                return new Op("acquire", Map.of("mode", mode, "client", client), fence);
            }
            case LOCK_TIMED -> {
                String client = "c" + r.nextInt(3);
                int ttl = 1 + r.nextInt(6);
                int k = r.nextInt(10);
                if (k < 1) {
                    // Now and then the release also withdrew a queued request (needs no hold).
                    return new Op("release", Map.of("client", client), r.nextInt(4) == 0 ? Map.of("was_waiting", true) : null);
                }
                if (k < 3) {
                    return new Op("renew", Map.of("client", client, "ttl_ms", ttl), Map.of("renewed", true));
                }
                String mode = r.nextInt(3) == 0 ? "S" : "X";
                // Mostly increasing fences, so that time, not the fence rule, decides many verdicts.
                int roll = r.nextInt(10);
                Object fence = roll == 0 ? null : Map.of("fence", roll == 1 ? 1 + r.nextInt(6) : 1 + invoked);
                if (k == 3) {
                    return new Op("acquire-m", Map.of("mode", "S", "client", client, "ttl_ms", ttl), fence);
                }
                return new Op("acquire", Map.of("mode", mode, "client", client, "ttl_ms", ttl), fence);
            }
            default -> throw new IllegalArgumentException(model);
        }
    }
}
