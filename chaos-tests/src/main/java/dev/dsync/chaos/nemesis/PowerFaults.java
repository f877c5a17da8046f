package dev.dsync.chaos.nemesis;

import dev.dsync.chaos.cluster.Cluster;
import dev.dsync.chaos.cluster.ClusterProbe;
import dev.dsync.chaos.lazyfs.PowerLoss;
import dev.dsync.chaos.lazyfs.TornWrite;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Power losses: a node, a majority or all of them are killed and lose what their data dirs held
 * unsynced (maybe tearing the last write). Healing starts them, waits until they serve, then kills
 * and starts them once more: a bad repair of a torn log (say, appending after garbage) only shows at
 * the start after the repair. A node that does not come back from either start fails the run.
 */
final class PowerFaults {
    /** How long a node restarted after a power loss may take to serve: JVM start plus log recovery, on a loaded machine. */
    private static final Duration NODE_START_LIMIT = Duration.ofSeconds(20);

    private final Cluster cluster;
    private final ClusterProbe probe;
    private final NemesisLog log;
    /** Nodes down since their power loss, started at the next heal. */
    private final Set<String> powerLost = new LinkedHashSet<>();
    /** Nodes started the second time at the last heal, whose serving is checked before the next step. */
    private final Set<String> secondStarts = new LinkedHashSet<>();

    PowerFaults(Cluster cluster, ClusterProbe probe, NemesisLog log) {
        this.cluster = cluster;
        this.probe = probe;
        this.log = log;
    }

    /**
     * Kills {@code nodes}, then drops what each one's data dir held unsynced. With several nodes this
     * is a shared power failure: Raft keeps acknowledged data through it only if every node fsyncs
     * before it answers.
     */
    Map<String, Object> lose(List<String> nodes, Random pick) throws IOException, InterruptedException {
        TornWrite tear = TornWrite.values()[pick.nextInt(TornWrite.values().length)];
        for (String node : nodes) {
            cluster.kill(node);
            powerLost.add(node);
        }
        Map<String, Object> lost = new LinkedHashMap<>();
        for (String node : nodes) {
            PowerLoss loss = cluster.powerLoss(node, tear, pick);
            Map<String, Object> what = new LinkedHashMap<>();
            what.put("files_lost_writes", loss.filesWithUnsyncedData());
            what.put("dirs_lost_entries", loss.directoriesWithUnsyncedEntries());
            if (loss.tornFile() != null) {
                what.put("torn_file", loss.tornFile());
                what.put("torn_kept_bytes", loss.tornKeptBytes() + " of " + loss.tornWriteBytes());
            }
            lost.put(node, what);
        }
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("nodes", nodes);
        value.put("tear", tear.name().toLowerCase());
        value.put("lost", lost);
        return value;
    }

    /**
     * Starts the power-lost nodes twice ({@link #restartTwice}); adds what it did to {@code healed}.
     * Fails the run (IOException) if a second start of the previous heal or a first start of this one does not serve.
     */
    void heal(List<String> healed) throws IOException, InterruptedException {
        checkSecondStarts();
        if (!powerLost.isEmpty()) {
            List<String> nodes = List.copyOf(powerLost);
            powerLost.clear(); // first: a failed restart must not be retried by the next heal
            restartTwice(nodes);
            healed.add("restarted " + nodes + " twice after their power loss");
        }
    }

    /**
     * Starts power-lost nodes and waits until they serve, then kills them and starts them again;
     * whether that second start serves is checked later ({@link #checkSecondStarts}), so the heal
     * does not wait for two JVM starts.
     */
    private void restartTwice(List<String> nodes) throws IOException, InterruptedException {
        for (String node : nodes) {
            cluster.restart(node);
        }
        for (String node : nodes) {
            awaitServing(node, "first");
        }
        for (String node : nodes) {
            cluster.kill(node);
            cluster.restart(node);
            secondStarts.add(node);
        }
    }

    /** Fails the run if a node's second start after a power loss does not serve. */
    void checkSecondStarts() throws IOException, InterruptedException {
        for (String node : List.copyOf(secondStarts)) {
            secondStarts.remove(node);
            awaitServing(node, "second");
        }
    }

    private void awaitServing(String node, String which) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + NODE_START_LIMIT.toNanos();
        while (probe.health(node).isEmpty()) {
            if (!cluster.isRunning(node) || System.nanoTime() > deadline) {
                String why = cluster.isRunning(node) ? "does not answer /health" : "exited";
                log.record("power-restart-failed", Map.of("node", node, "start", which, "problem", why));
                throw new IOException(node + " " + why + " after the " + which + " start since its power loss;"
                        + " see its log in the run's logs/ and its data in durable/" + node);
            }
            Thread.sleep(50);
        }
    }
}
