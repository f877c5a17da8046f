package dev.dsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dsync.node.NodeJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar server.jar} with no JVM option re-executes itself in place with the node's JVM
 * options ({@link NodeJvm}): same process id, so a launcher that signals the pid it started (the
 * etcd side-by-side script, kill -9 and SIGSTOP in any bench) still holds the node. With an option
 * given, the JVM stays as started.
 */
class BareLaunchIT {
    @TempDir
    Path dir;

    @Test
    void aBareStartRunsWithTheNodeOptionsUnderTheSamePid() throws Exception {
        assumeTrue(Runtime.version().feature() >= 22, "the re-execution needs JDK 22 or later (the jar's versions/22)");
        List<String> commandLine = startAndReadCommandLine(List.of(), true);
        assertTrue(commandLine.containsAll(NodeJvm.OPTIONS), commandLine.toString());
        assertTrue(commandLine.contains("-Ddsync.jvm=node-defaults"), commandLine.toString());
        // The default warm-up (dev.dsync.node.WarmUp) ran in the node's JVM before it listened, and the node then led.
        assertTrue(log().contains("warmed up in"), log());
    }

    @Test
    void aStartWithAJvmOptionKeepsIt() throws Exception {
        List<String> commandLine = startAndReadCommandLine(List.of("-Xmx200m"), false);
        assertTrue(commandLine.contains("-Xmx200m"), commandLine.toString());
        assertFalse(commandLine.contains("-XX:+UseSerialGC"), commandLine.toString());
    }

    /** Starts a one-node lock cluster, waits until it leads, reads its pid's command line, kills it -9. */
    private List<String> startAndReadCommandLine(List<String> jvmOptions, boolean warmUp) throws Exception {
        String jar = System.getProperty("server.jar", "target/server.jar");
        int port = LocalCluster.freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar, "--service", "lock", "--id", "n1", "--port", Integer.toString(port),
                "--peers", "n1=http://127.0.0.1:" + port, "--data-dir", dir.resolve("n1").toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("n1.log").toFile());
        pb.environment().remove("DSYNC_JVM_DEFAULTS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().put("WARM_UP", Boolean.toString(warmUp));
        Process node = pb.start();
        try {
            awaitLeader(port, node);
            return Arrays.asList(new String(Files.readAllBytes(Path.of("/proc", Long.toString(node.pid()), "cmdline")),
                    StandardCharsets.UTF_8).split("\0"));
        } finally {
            node.destroyForcibly();
            assertTrue(node.waitFor(10, TimeUnit.SECONDS), "kill -9 of the started pid ends the node");
        }
    }

    private void awaitLeader(int port, Process node) throws InterruptedException, IOException {
        TestClient client = new TestClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            assertTrue(node.isAlive(), () -> "the node exited: " + log());
            try {
                TestClient.Response r = client.get(port, "/health");
                if (r.status() == 200 && r.body().path("role").asInt() == 2) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        assertEquals("leader within 30 s", "no leader; log: " + log());
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("n1.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }
}
