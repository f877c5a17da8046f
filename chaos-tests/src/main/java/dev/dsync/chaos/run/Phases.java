package dev.dsync.chaos.run;

import java.util.ArrayList;
import java.util.List;

/** Where a run's wall time went, phase by phase: printed with every run, so slow set-up or tear-down shows. */
final class Phases {
    private final List<String> ended = new ArrayList<>();
    private long last;

    Phases(long startNanos) {
        this.last = startNanos;
    }

    /** Ends the phase that began when the previous one ended. */
    void end(String name) {
        long now = System.nanoTime();
        ended.add(String.format("%s %.1f s", name, (now - last) / 1e9));
        last = now;
    }

    @Override
    public String toString() {
        return String.join(", ", ended);
    }
}
