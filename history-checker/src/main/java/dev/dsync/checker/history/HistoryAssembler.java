package dev.dsync.checker.history;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Pairs invokes with completions and enforces the history rules, rejecting violations with
 * the offending line: indices strictly increase, time never goes backwards, a process has at
 * most one pending operation, completions match their invoke's f (and key), and a process
 * retired by an info completion is never reused.
 */
final class HistoryAssembler {
    private HistoryAssembler() {
    }

    /** A client invoke still waiting for its completion. */
    private record Pending(Event invoke, int slot) {
    }

    static History assemble(List<Event> events) {
        List<Operation> ops = new ArrayList<>();
        List<Event> invokes = new ArrayList<>();
        List<Event> completions = new ArrayList<>();
        Map<Integer, Pending> pending = new HashMap<>();
        Map<Integer, Integer> retiredAt = new HashMap<>();
        List<NemesisOp> nemesis = new ArrayList<>();
        Map<String, Event> openNemesis = new HashMap<>();
        long lastIndex = Long.MIN_VALUE;
        long lastTime = Long.MIN_VALUE;
        for (Event e : events) {
            if (e.index() <= lastIndex) {
                throw new HistoryFormatException(e.line(), "index " + e.index() + " does not increase (previous " + lastIndex + ")");
            }
            if (e.time() < lastTime) {
                throw new HistoryFormatException(e.line(), "time " + e.time() + " goes backwards (previous " + lastTime + ")");
            }
            lastIndex = e.index();
            lastTime = e.time();
            if (e.isNemesis()) {
                addNemesis(e, openNemesis, nemesis);
                continue;
            }
            Pending p = pending.get(e.process());
            if (e.type() == EventType.INVOKE) {
                if (p != null) {
                    throw new HistoryFormatException(e.line(), "process " + e.process() + " invoked " + e.f()
                            + " while its " + p.invoke().f() + " from line " + p.invoke().line() + " is still pending");
                }
                Integer retired = retiredAt.get(e.process());
                if (retired != null) {
                    throw new HistoryFormatException(e.line(), "process " + e.process()
                            + " was retired by an info completion at line " + retired + " and must not be reused");
                }
                pending.put(e.process(), new Pending(e, invokes.size()));
                invokes.add(e);
                completions.add(null);
                continue;
            }
            if (p == null) {
                throw new HistoryFormatException(e.line(), e.type().wireName() + " for process " + e.process()
                        + " has no pending invoke");
            }
            if (!Objects.equals(p.invoke().f(), e.f())) {
                throw new HistoryFormatException(e.line(), "completion f '" + e.f() + "' does not match invoke f '"
                        + p.invoke().f() + "' at line " + p.invoke().line());
            }
            if (e.key() != null && !Objects.equals(p.invoke().key(), e.key())) {
                throw new HistoryFormatException(e.line(), "completion key '" + e.key() + "' does not match invoke key '"
                        + p.invoke().key() + "' at line " + p.invoke().line());
            }
            pending.remove(e.process());
            completions.set(p.slot(), e);
            if (e.type() == EventType.INFO) {
                retiredAt.put(e.process(), e.line());
            }
        }
        for (String f : openNemesis.keySet()) {
            Event start = openNemesis.get(f);
            nemesis.add(new NemesisOp(f, start.value(), start.time(), start.time(), start.line()));
        }
        nemesis.sort((a, b) -> Long.compare(a.startTime(), b.startTime()));
        for (int i = 0; i < invokes.size(); i++) {
            ops.add(pair(i, invokes.get(i), completions.get(i)));
        }
        return new History(events, ops, nemesis);
    }

    private static Operation pair(int id, Event inv, Event done) {
        if (done == null) {
            return new Operation(id, inv.process(), inv.f(), inv.key(), inv.value(), null, Outcome.INFO,
                    inv.index(), -1, inv.time(), -1, inv.node(), inv.error(), inv.line(), inv.extra(), null);
        }
        Outcome outcome = switch (done.type()) {
            case OK -> Outcome.OK;
            case FAIL -> Outcome.FAIL;
            default -> Outcome.INFO;
        };
        JsonNode error = done.error() != null ? done.error() : inv.error();
        String node = done.node() != null ? done.node() : inv.node();
        return new Operation(id, inv.process(), inv.f(), inv.key(), inv.value(), done.value(), outcome,
                inv.index(), done.index(), inv.time(), done.time(), node, error, inv.line(), inv.extra(), done.extra());
    }

    /**
     * Nemesis events are paired loosely: a completion closes the open invoke with the same f;
     * anything else is a single-event step. Unclosed invokes become instantaneous steps.
     */
    private static void addNemesis(Event e, Map<String, Event> open, List<NemesisOp> out) {
        if (e.type() == EventType.INVOKE) {
            Event prev = open.put(e.f(), e);
            if (prev != null) {
                out.add(new NemesisOp(prev.f(), prev.value(), prev.time(), prev.time(), prev.line()));
            }
            return;
        }
        Event start = open.remove(e.f());
        JsonNode value = e.value() != null && !e.value().isNull() ? e.value() : start == null ? null : start.value();
        long startTime = start == null ? e.time() : start.time();
        out.add(new NemesisOp(e.f(), value, startTime, e.time(), start == null ? e.line() : start.line()));
    }
}
