package dev.dsync.checker.bench;

import dev.dsync.checker.history.Event;
import dev.dsync.checker.history.EventType;
import dev.dsync.checker.history.History;
import java.util.ArrayList;
import java.util.List;

/** Deliberate anomalies injected into generated histories, to time the search on invalid input. */
final class Corruptions {
    private Corruptions() {
    }

    /** The last ok read returns the first value ever written (a stale read). */
    static History staleLastRead(History h) {
        List<Event> events = new ArrayList<>(h.events());
        Event firstWrite = events.stream().filter(e -> e.type() == EventType.INVOKE && e.f().equals("write"))
                .findFirst().orElseThrow();
        for (int i = events.size() - 1; i >= 0; i--) {
            Event e = events.get(i);
            if (e.type() == EventType.OK && e.f().equals("read")) {
                events.set(i, new Event(e.index(), e.time(), e.process(), e.type(), e.f(), e.key(), firstWrite.value(),
                        e.node(), e.error(), e.line()));
                return History.of(events);
            }
        }
        throw new IllegalArgumentException("no ok read to corrupt");
    }
}
