package dev.dsync.sim;

import dev.dsync.raft.Message;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * The simulated network: per-message random delay (so messages reorder), loss, duplication, and
 * directed link cuts (a partition cuts both directions, a one-way fault only one). A cut applies
 * at delivery time too, so messages already on the wire when a partition starts are lost. Raft
 * messages and a service's own peer messages ({@link Simulation#sendService}) share these faults.
 */
final class SimNetwork {
    private final Random random;
    private final Set<String> cut = new HashSet<>();
    int minDelayMs = 1;
    int maxDelayMs = 10;
    /** Per mille. */
    int dropPermille;
    int duplicatePermille;

    SimNetwork(Random random) {
        this.random = random;
    }

    /** The delivery delays for one Raft message: empty if lost, two if duplicated. */
    long[] delaysFor(Message m) {
        return delaysFor(m.from(), m.to());
    }

    /** The delivery delays for one send from {@code from} to {@code to} (any message): empty if lost, two if duplicated. */
    long[] delaysFor(String from, String to) {
        if (isCut(from, to) || random.nextInt(1000) < dropPermille) {
            return new long[0];
        }
        long first = delay();
        return random.nextInt(1000) < duplicatePermille ? new long[] {first, delay()} : new long[] {first};
    }

    private long delay() {
        return minDelayMs + random.nextInt(maxDelayMs - minDelayMs + 1);
    }

    boolean isCut(String from, String to) {
        return cut.contains(from + ">" + to);
    }

    void cutOneWay(String from, String to) {
        cut.add(from + ">" + to);
    }

    void cutBoth(String a, String b) {
        cutOneWay(a, b);
        cutOneWay(b, a);
    }

    void healAll() {
        cut.clear();
    }

    boolean anyCut() {
        return !cut.isEmpty();
    }
}
