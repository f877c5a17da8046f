package dev.dsync.chaos.nemesis;

import dev.dsync.chaos.cluster.Cluster;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Notices nodes whose process ended without the nemesis stopping it. The server halts (exit code 70)
 * when one of its safety assertions fails, so such an exit is a bug found, whether or not a fault
 * shape saw its cause: each node is reported once, as a violation and a {@code crash} event.
 */
public final class CrashWatch {
    private final Cluster cluster;
    private final NemesisLog log;
    private final Set<String> crashed = new LinkedHashSet<>();

    CrashWatch(Cluster cluster, NemesisLog log) {
        this.cluster = cluster;
        this.log = log;
    }

    /** How a node's exit on its own reads among a run's violations. */
    public static String violation(String node, String exit) {
        return "crash: " + node + " exited on its own (" + exit + ")";
    }

    /** The violations of the exits not reported before, each also recorded in the history. */
    List<String> newExits() throws IOException {
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, String> exit : cluster.exitedOnTheirOwn().entrySet()) {
            if (crashed.add(exit.getKey())) {
                found.add(violation(exit.getKey(), exit.getValue()));
                log.record("crash", Map.of("node", exit.getKey(), "exit", exit.getValue()));
            }
        }
        return found;
    }

    /** Every node reported so far (restarted or not). */
    Set<String> crashed() {
        return crashed;
    }
}
