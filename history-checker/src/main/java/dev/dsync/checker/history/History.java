package dev.dsync.checker.history;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed history: the raw events in order, the client operations (pairs of invoke and
 * completion, ordered by invoke) and the nemesis (fault) operations.
 */
public final class History {
    private final List<Event> events;
    private final List<Operation> operations;
    private final List<NemesisOp> nemesis;

    public History(List<Event> events, List<Operation> operations, List<NemesisOp> nemesis) {
        this.events = List.copyOf(events);
        this.operations = List.copyOf(operations);
        this.nemesis = List.copyOf(nemesis);
    }

    /** Builds a history from events, validating pairing rules (see {@link HistoryAssembler}). */
    public static History of(List<Event> events) {
        return HistoryAssembler.assemble(events);
    }

    public List<Event> events() {
        return events;
    }

    public List<Operation> operations() {
        return operations;
    }

    public List<NemesisOp> nemesis() {
        return nemesis;
    }

    /** Time of the last event (0 for an empty history). */
    public long endTime() {
        return events.isEmpty() ? 0 : events.get(events.size() - 1).time();
    }

    /**
     * Client operations grouped by key in first-appearance order; operations without a key
     * are grouped under {@code null}. Each group keeps invoke order.
     */
    public Map<String, List<Operation>> byKey() {
        Map<String, List<Operation>> groups = new LinkedHashMap<>();
        for (Operation op : operations) {
            groups.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        }
        groups.replaceAll((k, v) -> Collections.unmodifiableList(v));
        return groups;
    }
}
