package dev.dsync.checker.gen;

import dev.dsync.checker.history.EventType;
import dev.dsync.checker.history.History;
import dev.dsync.checker.history.HistoryBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Generates histories by running a {@link SimModel} with real concurrency: each client invokes
 * an operation, the operation takes effect at a random instant before its completion, and
 * completes later. Info operations either take effect (at any time after invoke) or not, and
 * retire their process; some never report a completion at all. The histories are therefore
 * valid for the model by construction. Deterministic for a given seed.
 */
public final class HistoryGenerator {
    private static final long MS = 1_000_000L;

    private enum Kind { INVOKE, APPLY, COMPLETE, NEMESIS }

    /** A scheduled step; APPLY ticks carry their operation, as an info one may apply after the slot moved on. */
    private record Tick(long time, long seq, Kind kind, int slot, SimModel.Planned op, boolean info) {
        Tick(long time, long seq, Kind kind, int slot) {
            this(time, seq, kind, slot, null, false);
        }
    }

    /** A client slot: the process currently using it and its operation in flight. */
    private static final class Slot {
        int process;
        SimModel.Planned op;
        SimModel.Applied result;
        boolean info;
    }

    private HistoryGenerator() {
    }

    /**
     * A generated history for one of the checker's model names, or {@code rw-lock-timed} (a
     * rw-lock history with ttl_ms and renews, checked with the timed lease model) or
     * {@code total-queue-timed} (a queue history with receipts, acks, nacks and message keys).
     */
    public static History forModel(String model, GenConfig c) {
        SimModel sim = switch (model) {
            case "register" -> new RegisterSim(false, c.valueDomain());
            case "cas-register", "kv" -> new RegisterSim(true, c.valueDomain());
            case "rw-lock" -> new RwLockSim(20 * MS);
            case "rw-lock-timed" -> new TimedRwLockSim(8);
            case "fifo-queue" -> new FifoQueueSim();
            case "total-queue" -> new TotalQueueSim(c.seed());
            case "total-queue-timed" -> new TimedQueueSim(3);
            default -> throw new IllegalArgumentException("no generator for model " + model);
        };
        return generate(sim, c);
    }

    public static History generate(SimModel sim, GenConfig c) {
        SplittableRandom r = new SplittableRandom(c.seed());
        HistoryBuilder b = new HistoryBuilder();
        List<String> keys = new ArrayList<>();
        for (int k = 0; k < c.keys(); k++) {
            keys.add(c.keys() == 1 ? null : "k" + k);
        }
        PriorityQueue<Tick> ticks = new PriorityQueue<>((x, y) -> x.time != y.time ? Long.compare(x.time, y.time)
                : Long.compare(x.seq, y.seq));
        long[] seq = {0};
        Slot[] slots = new Slot[c.processes()];
        int nextProcess = 0;
        for (int s = 0; s < slots.length; s++) {
            slots[s] = new Slot();
            slots[s].process = nextProcess++;
            ticks.add(new Tick(r.nextLong(MS), seq[0]++, Kind.INVOKE, s));
        }
        if (c.nemesis()) {
            ticks.add(new Tick(c.operations() / 4 * MS / Math.max(1, c.processes()), seq[0]++, Kind.NEMESIS, 0));
        }
        int invoked = 0;
        boolean partitioned = false;
        long now = 0;
        while (!ticks.isEmpty()) {
            Tick t = ticks.poll();
            now = t.time;
            Slot s = slots[t.slot];
            switch (t.kind) {
                case INVOKE -> {
                    if (invoked >= c.operations()) {
                        continue;
                    }
                    invoked++;
                    String key = keys.get(r.nextInt(keys.size()));
                    s.op = sim.plan(r, key, "c" + s.process, now);
                    s.info = r.nextDouble() < c.infoRate();
                    s.result = null;
                    b.at(now).invoke(s.process, s.op.f(), s.op.key(), s.op.value());
                    long applyAt = now + 1 + r.nextLong(2 * MS);
                    long completeAt = applyAt + r.nextLong(2 * MS);
                    boolean takesEffect = !s.info || r.nextBoolean();
                    if (takesEffect) {
                        // An info operation may take effect after the client gave up on it.
                        long when = s.info ? now + 1 + r.nextLong(6 * MS) : applyAt;
                        ticks.add(new Tick(when, seq[0]++, Kind.APPLY, t.slot, s.op, s.info));
                    }
                    ticks.add(new Tick(completeAt, seq[0]++, Kind.COMPLETE, t.slot));
                }
                case APPLY -> {
                    SimModel.Applied a = sim.apply(t.op, now, !t.info);
                    if (!t.info) {
                        s.result = a; // non-info operations apply strictly before their completion
                    }
                }
                case COMPLETE -> {
                    if (s.info) {
                        if (r.nextInt(10) < 7) {
                            b.at(now).info(s.process, s.op.f(), s.op.key(), s.op.value());
                        }
                        s.process = nextProcess++; // never reuse a process after an unknown outcome
                    } else if (s.result.ok()) {
                        b.at(now).ok(s.process, s.op.f(), s.op.key(), s.result.value());
                    } else {
                        b.at(now).fail(s.process, s.op.f(), s.op.key(), s.op.value());
                    }
                    s.op = null;
                    ticks.add(new Tick(now + r.nextLong(MS / 2), seq[0]++, Kind.INVOKE, t.slot));
                }
                case NEMESIS -> {
                    if (invoked >= c.operations() && !partitioned) {
                        continue; // the workload is over: end healed, without stretching the history
                    }
                    String f = partitioned ? "heal" : "partition";
                    b.at(now).nemesis(EventType.INFO, f, partitioned ? null : "n1 | n2 n3");
                    partitioned = !partitioned;
                    if (invoked < c.operations() || partitioned) {
                        ticks.add(new Tick(now + (partitioned && invoked >= c.operations() ? MS
                                : 50 * MS + r.nextLong(100 * MS)), seq[0]++, Kind.NEMESIS, 0));
                    }
                }
            }
        }
        int p = nextProcess;
        for (SimModel.Planned op : sim.finalOps(keys)) {
            now += MS;
            b.at(now).invoke(p, op.f(), op.key(), op.value());
            SimModel.Applied a = sim.apply(op, now, true);
            b.at(now + MS / 2).ok(p, op.f(), op.key(), a.value());
        }
        return b.build();
    }
}
