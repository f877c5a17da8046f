package dev.dsync.node;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The class-data-sharing training run: a {@link TrainingCluster} of each service, one round each. Run as
 * {@code java -XX:ArchiveClassesAtExit=server.jsa -cp server.jar dev.dsync.node.CdsTraining}, the JVM
 * leaves an archive of every class a node loads; a node started with
 * {@code -XX:SharedArchiveFile=server.jsa} then maps them instead of loading them, which roughly halves
 * its start-up (cluster start-ups dominate the tests, the chaos runs and {@code docker compose up}).
 * The build makes the archive next to the jar ({@code server/target/server.jsa}); the node image makes
 * its own. An archive that does not match the jar is ignored by the JVM with a warning, never used.
 */
public final class CdsTraining {
    private CdsTraining() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        Path dir = Files.createTempDirectory("dsync-cds-training");
        try {
            for (String service : NodeConfig.SERVICES) {
                TrainingCluster.exercise(service, dir.resolve(service), 1);
            }
        } finally {
            TrainingCluster.deleteTree(dir);
        }
    }
}
