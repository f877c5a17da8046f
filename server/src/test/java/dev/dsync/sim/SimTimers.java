package dev.dsync.sim;

import dev.dsync.node.Timers;

/**
 * A simulated node's {@link Timers}: events of the simulation, for one lifetime of the node (a
 * timer set before a crash never fires). The node is drained after each, as after any event.
 */
final class SimTimers implements Timers {
    private final Simulation sim;
    private final SimNode node;
    private final int incarnation;

    SimTimers(Simulation sim, SimNode node) {
        this.sim = sim;
        this.node = node;
        this.incarnation = node.incarnation;
    }

    @Override
    public Cancellable after(long delayMs, Runnable action) {
        boolean[] cancelled = {false};
        sim.schedule(Math.max(0, delayMs), () -> {
            if (cancelled[0] || !node.up() || node.incarnation != incarnation) {
                return;
            }
            try {
                action.run();
            } catch (RuntimeException | AssertionError e) {
                sim.bug(e);
            }
            sim.drain(node);
        });
        return () -> cancelled[0] = true;
    }
}
