package dev.dsync.checker.model;

import dev.dsync.checker.CheckOptions;
import dev.dsync.checker.history.HistoryFormatException;
import dev.dsync.checker.history.Operation;
import dev.dsync.checker.history.Outcome;
import dev.dsync.checker.linear.KeyProblem;
import dev.dsync.checker.linear.ProblemBuilder;
import dev.dsync.checker.linear.SequentialSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A FIFO queue: {@code enqueue v}, and {@code dequeue} whose ok value is the head (null when
 * the queue was empty). Each enqueued message is delivered at most once (no redelivery).
 * A dequeue with unknown outcome may have removed the head, which nobody then saw.
 *
 * <p>Reduction: an info enqueue of a value no ok dequeue returned is dropped. Sound: had it
 * taken effect, that value would block everything behind it forever (FIFO) and forbid empty
 * dequeues after it, so removing it from a valid linearization keeps it valid.
 */
public final class FifoQueueModel implements Model {
    static final int MAX_STATES = 2_000_000;
    private static final byte ENQUEUE = 0;
    private static final byte DEQUEUE = 1;

    @Override
    public String name() {
        return "fifo-queue";
    }

    @Override
    public KeyProblem compile(String key, List<Operation> ops, CheckOptions options) {
        ValueTable values = new ValueTable();
        Set<Integer> dequeued = new HashSet<>();
        for (Operation op : ops) {
            if (op.f().equals("dequeue") && op.outcome() == Outcome.OK) {
                dequeued.add(values.id(op.resultValue()));
            }
        }
        ProblemBuilder b = new ProblemBuilder();
        List<Byte> kinds = new ArrayList<>();
        List<Integer> args = new ArrayList<>();
        int dropped = 0;
        for (Operation op : ops) {
            if (op.outcome() == Outcome.FAIL) {
                continue;
            }
            long ret = op.outcome() == Outcome.OK ? op.completeIndex() : Long.MAX_VALUE;
            switch (op.f()) {
                case "enqueue" -> {
                    int v = values.id(op.invokeValue());
                    if (v == ValueTable.NIL) {
                        throw new HistoryFormatException(op.invokeLine(), "enqueue needs a non-null value");
                    }
                    if (options.reductions() && ret == Long.MAX_VALUE && !dequeued.contains(v)) {
                        dropped++;
                        continue;
                    }
                    b.add(op, ret, List.of(ENQUEUE, v));
                    kinds.add(ENQUEUE);
                    args.add(v);
                }
                case "dequeue" -> {
                    int v = ret == Long.MAX_VALUE ? ValueTable.NIL : values.id(op.resultValue());
                    b.add(op, ret, List.of(DEQUEUE));
                    kinds.add(DEQUEUE);
                    args.add(v);
                }
                default -> throw new HistoryFormatException(op.invokeLine(),
                        "model fifo-queue has no operation '" + op.f() + "' (expected enqueue, dequeue)");
            }
        }
        if (dropped > 0) {
            b.note("dropped " + dropped + " info enqueue(s) whose value was never dequeued");
        }
        int n = b.size();
        byte[] kind = new byte[n];
        int[] arg = new int[n];
        boolean[] optional = new boolean[n];
        KeyProblem draft = b.build(key, null);
        for (int i = 0; i < n; i++) {
            kind[i] = kinds.get(i);
            arg[i] = args.get(i);
            optional[i] = draft.optional(i);
        }
        return b.build(key, new Spec(kind, arg, optional, values, new QueueStates(MAX_STATES)));
    }

    /** Transition function; a state is a {@link QueueStates} id. */
    private record Spec(byte[] kind, int[] arg, boolean[] optional, ValueTable values, QueueStates states)
            implements SequentialSpec {
        @Override
        public long initialState() {
            return 0;
        }

        @Override
        public long step(long state, int op) {
            if (kind[op] == ENQUEUE) {
                return states.append(state, arg[op]);
            }
            int[] q = states.contents(state);
            if (optional[op]) {
                return q.length == 0 ? INVALID : states.tail(state);
            }
            if (arg[op] == ValueTable.NIL) {
                return q.length == 0 ? state : INVALID;
            }
            return q.length > 0 && q[0] == arg[op] ? states.tail(state) : INVALID;
        }

        @Override
        public String describeState(long state) {
            int[] q = states.contents(state);
            StringBuilder s = new StringBuilder("queue [");
            for (int i = 0; i < q.length; i++) {
                s.append(i == 0 ? "" : ", ").append(values.text(q[i]));
            }
            return s.append(']').toString();
        }
    }
}
