package dev.dsync.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A node's warm-up before it listens ({@code --warm-up}, on unless switched off): a
 * {@link TrainingCluster} of the node's service runs {@link #ROUNDS} rounds inside the node's JVM and
 * stops, so the JIT has compiled the request, Raft, log and peer-stream paths before the first client
 * needs them, and so has every node, follower or not, before it may be elected. A fresh node run cold
 * spends its first hundred lock cycles at two to three times the steady cost while its compiler
 * catches up (three JVMs compiling on two cores), and a follower elected leader serves its first
 * requests on leader paths it never ran.
 *
 * <p>Best effort: a warm-up that fails is logged and the node starts cold. The throwaway nodes log
 * nothing below SEVERE: their elections and stream closings are not this node's story. They bind
 * three free loopback ports and use a temporary directory, both released before the node starts.
 */
final class WarmUp {
    static final int ROUNDS = 100;
    private static final System.Logger LOG = System.getLogger(WarmUp.class.getName());

    private WarmUp() {}

    static void run(String service) {
        long started = System.nanoTime();
        Logger root = Logger.getLogger("");
        Level level = root.getLevel();
        Exception failure = null;
        root.setLevel(Level.SEVERE);
        try {
            Path dir = Files.createTempDirectory("dsync-warm-up-");
            TrainingCluster.exercise(service, dir, ROUNDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        } catch (Exception e) {
            failure = e;
        } finally {
            root.setLevel(level);
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        if (failure == null) {
            LOG.log(System.Logger.Level.INFO, "warmed up in {0} ms: {1} rounds of {2} requests on a throwaway cluster in this JVM "
                    + "(--warm-up false starts at once)", Long.toString(ms), ROUNDS, service);
        } else {
            LOG.log(System.Logger.Level.WARNING, "warm-up failed after " + ms + " ms; starting cold", failure);
        }
    }
}
