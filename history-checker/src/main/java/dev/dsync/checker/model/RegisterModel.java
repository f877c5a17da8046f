package dev.dsync.checker.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.checker.CheckOptions;
import dev.dsync.checker.history.HistoryFormatException;
import dev.dsync.checker.history.Operation;
import dev.dsync.checker.history.Outcome;
import dev.dsync.checker.linear.KeyProblem;
import dev.dsync.checker.linear.ProblemBuilder;
import dev.dsync.checker.linear.SequentialSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A read/write register, optionally with compare-and-set ({@code cas} with value
 * {@code [expected, new]}). The state is the interned id of the current value; the initial
 * value is null. Used for {@code register}, {@code cas-register} and {@code kv} (one
 * cas-register per key).
 */
public final class RegisterModel implements Model {
    static final byte READ = 0;
    static final byte WRITE = 1;
    static final byte CAS = 2;

    private final String name;
    private final boolean allowCas;

    public RegisterModel(String name, boolean allowCas) {
        this.name = name;
        this.allowCas = allowCas;
    }

    @Override
    public String name() {
        return name;
    }

    /** One candidate operation before reductions; {@code ret} is the completion position or MAX. */
    record RegOp(Operation op, byte kind, int a, int b, long ret) {
        boolean optional() {
            return ret == Long.MAX_VALUE;
        }

        /** Value id this operation reads from the state (-1 if none). */
        int observes() {
            return kind == READ ? a : kind == CAS ? a : -1;
        }

        /** Value id this operation puts in the state (-1 if none). */
        int produces() {
            return kind == WRITE ? a : kind == CAS ? b : -1;
        }
    }

    @Override
    public KeyProblem compile(String key, List<Operation> ops, CheckOptions options) {
        ValueTable values = new ValueTable();
        List<RegOp> cands = new ArrayList<>();
        int infoReads = 0;
        for (Operation op : ops) {
            if (op.outcome() == Outcome.FAIL) {
                continue; // certainly did not happen
            }
            long ret = op.outcome() == Outcome.OK ? op.completeIndex() : Long.MAX_VALUE;
            switch (op.f()) {
                case "read" -> {
                    if (op.outcome() == Outcome.INFO) {
                        infoReads++; // no effect and no result: cannot constrain anything
                    } else {
                        cands.add(new RegOp(op, READ, values.id(op.resultValue()), 0, ret));
                    }
                }
                case "write" -> cands.add(new RegOp(op, WRITE, values.id(op.invokeValue()), 0, ret));
                case "cas" -> {
                    if (!allowCas) {
                        throw new HistoryFormatException(op.invokeLine(), "model " + name + " has no cas; use cas-register or kv");
                    }
                    JsonNode v = op.invokeValue();
                    if (v == null || !v.isArray() || v.size() != 2) {
                        throw new HistoryFormatException(op.invokeLine(), "cas value must be [expected, new], found " + v);
                    }
                    cands.add(new RegOp(op, CAS, values.id(v.get(0)), values.id(v.get(1)), ret));
                }
                default -> throw new HistoryFormatException(op.invokeLine(), "model " + name + " has no operation '"
                        + op.f() + "' (expected read, write" + (allowCas ? ", cas)" : ")"));
            }
        }
        ProblemBuilder b = new ProblemBuilder();
        if (infoReads > 0) {
            b.note("ignored " + infoReads + " read(s) with unknown outcome (no effect, no result)");
        }
        if (options.reductions()) {
            cands = RegisterReductions.apply(cands, values.size(), b);
        }
        int n = cands.size();
        byte[] kind = new byte[n];
        int[] a = new int[n];
        int[] bb = new int[n];
        boolean[] counted = new boolean[n];
        for (RegOp c : cands) {
            int i = b.add(c.op(), c.ret(), c.kind() == READ ? null : List.of((int) c.kind(), c.a(), c.b()));
            kind[i] = c.kind();
            a[i] = c.a();
            bb[i] = c.b();
            counted[i] = !c.optional();
        }
        int[] required = options.reductions() ? RegisterReductions.requiredObservations(cands, values.size()) : null;
        if (required != null) {
            b.note("unique-value rule: a value written once cannot be overwritten before all its ok readers");
        }
        return b.build(key, new Spec(kind, a, bb, counted, values, required));
    }

    /**
     * Transition function. State: low 32 bits the id of the current value, high 32 bits how many
     * ok observers of that value have been linearized since it was written.
     *
     * <p>Unique-value rule (only with reductions, {@code required != null}): if value u has
     * exactly one producer, all {@code required[u]} ok observers of u must be linearized between
     * that producer and the first change away from u, since u can never come back. So leaving u
     * earlier is INVALID. {@code required[u] == -1} means the rule does not apply to u.
     */
    private record Spec(byte[] kind, int[] a, int[] b, boolean[] counted, ValueTable values, int[] required)
            implements SequentialSpec {
        private static final long VALUE = 0xFFFF_FFFFL;

        @Override
        public long initialState() {
            return ValueTable.NIL;
        }

        @Override
        public long step(long state, int op) {
            int value = (int) (state & VALUE);
            long seen = state >>> 32;
            switch (kind[op]) {
                case READ -> {
                    return value != a[op] ? INVALID : tracked(value) ? state + (1L << 32) : state;
                }
                case WRITE -> {
                    return mayLeave(value, seen) ? a[op] : INVALID;
                }
                default -> {
                    if (value != a[op]) {
                        return INVALID;
                    }
                    return mayLeave(value, counted[op] && tracked(value) ? seen + 1 : seen) ? b[op] : INVALID;
                }
            }
        }

        private boolean tracked(int value) {
            return required != null && required[value] >= 0;
        }

        private boolean mayLeave(int value, long seen) {
            return !tracked(value) || seen == required[value];
        }

        @Override
        public String describeState(long state) {
            int value = (int) (state & VALUE);
            String s = "value " + values.text(value);
            long pending = tracked(value) ? required[value] - (state >>> 32) : 0;
            // Make the unique-value rule visible: this value cannot be overwritten yet.
            return pending > 0 ? s + " · awaits " + pending + " ok reader(s)" : s;
        }
    }
}
