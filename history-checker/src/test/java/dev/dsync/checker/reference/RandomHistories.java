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

    public static History random(String model, SplittableRandom r, int maxOps) {
        int nOps = 1 + r.nextInt(maxOps);
        int procs = 2 + r.nextInt(3);
        HistoryBuilder b = new HistoryBuilder();
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
            if (pending[s] == null) {
                Op op = op(model, r, process[s]);
                pending[s] = op;
                invoked++;
                int roll = r.nextInt(20);
                outcome[s] = roll < 12 ? 'o' : roll < 15 ? 'f' : 'i';
                b.invoke(process[s], op.f(), null, op.value());
                continue;
            }
            Op op = pending[s];
            pending[s] = null;
            switch (outcome[s]) {
                case 'o' -> {
                    b.ok(process[s], op.f(), null, op.result());
                    if (model.equals(LOCK_CHURN) && r.nextInt(3) == 0) {
                        process[s] = nextProcess++; // a client that leaves: its identity is never used again
                    }
                }
                case 'f' -> b.fail(process[s], op.f(), null, op.value());
                default -> {
                    if (r.nextInt(3) > 0) {
                        b.info(process[s], op.f(), null, op.value());
                    }
                    process[s] = nextProcess++;
                }
            }
        }
    }

    private static Object small(SplittableRandom r) {
        int v = r.nextInt(4);
        return v == 3 ? null : v;
    }

    private static Op op(String model, SplittableRandom r, int process) {
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
            default -> throw new IllegalArgumentException(model);
        }
    }
}
