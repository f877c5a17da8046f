package dev.dsync.sim;

import dev.dsync.statemachine.StateDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replicas must converge: any two replicas that have applied the same log index hold the same
 * state, and so does one replica replaying that index after a restart. Raft's checks see only the
 * entries; this sees what the (real) state machines made of them, so an apply that is not
 * deterministic (reads a clock, iterates a hash map) fails the seed at the first index where its
 * effect shows, not much later when the diverged node happens to lead.
 *
 * <p>The first {@link StateDigest} recorded for an index is kept and every later one for that index
 * is compared with it. Digests are taken where they are exact and cheap: after applying every
 * {@code every}-th index (a digest costs a snapshot encoding, so not after each apply), from the
 * image a node compacts with (already encoded: only the hash is extra), after a node installs a
 * snapshot or restarts from one (this also catches a restore that does not reproduce the state),
 * and for every running node at the end of the run.
 */
final class ConvergenceCheck {
    private record Recorded(String node, int incarnation, String digest) {}

    private final int every;
    /** Index -> the first digest seen at it. Lookups only, never iterated, so its order cannot leak into the run. */
    private final Map<Long, Recorded> firstAt = new HashMap<>();
    long comparisons;

    ConvergenceCheck(int every) {
        if (every < 1) {
            throw new IllegalArgumentException("every must be >= 1");
        }
        this.every = every;
    }

    /** {@code n} just applied {@code index}. */
    void afterApply(SimNode n, long index) {
        if (index % every == 0) {
            record(n, StateDigest.of(n.machine));
        }
    }

    /** {@code n}'s state was replaced by a snapshot (installed from the leader, or read from its disk at start). */
    void afterRestore(SimNode n) {
        record(n, StateDigest.of(n.machine));
    }

    /** {@code n} compacted its log with {@code image}, its state at {@code index}. */
    void onCompaction(SimNode n, long index, byte[] image) {
        record(n, StateDigest.ofImage(index, image));
    }

    /** The end of the run: every running node's final state. */
    void atEnd(List<SimNode> nodes) {
        for (SimNode n : nodes) {
            if (n.up()) {
                record(n, StateDigest.of(n.machine));
            }
        }
    }

    private void record(SimNode n, StateDigest d) {
        Recorded mine = new Recorded(n.id, n.incarnation, d.digest());
        Recorded first = firstAt.putIfAbsent(d.appliedIndex(), mine);
        if (first == null) {
            return;
        }
        comparisons++;
        if (!first.digest().equals(mine.digest())) {
            throw new AssertionError("replicas diverged at applied index " + d.appliedIndex() + ": "
                    + describe(first) + " has state digest " + first.digest() + " but "
                    + describe(mine) + " has " + mine.digest()
                    + " (an apply or a snapshot restore is not deterministic)");
        }
    }

    private static String describe(Recorded r) {
        return r.node() + " (life " + r.incarnation() + ")";
    }
}
