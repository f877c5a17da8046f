package dev.dsync.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM a node runs in when started bare. Our launchers start nodes with chosen options (the serial
 * collector and a bounded heap; the test clusters and the chaos bench also the C1 compiler only); a
 * bare {@code java -jar server.jar} got the JVM's defaults: G1 and both JIT compilers. On a small
 * machine running a three-node cluster those defaults spend the first tens of seconds compiling (the
 * C2 threads of three JVMs on two cores): side by side with etcd, a fresh cluster answered at a third
 * to a half of the rate it reached with the serial collector and C1 only.
 *
 * <p>So a node started with no JVM option at all re-executes itself in place (same process id,
 * {@link InPlaceExec}) with {@link #OPTIONS} and the class-data archive beside the jar. The heap
 * stays the JVM's default (a queue node's storage limit follows it). Any JVM option on the command
 * line (or in {@code JAVA_TOOL_OPTIONS} / {@code JDK_JAVA_OPTIONS}) means the caller chose, and
 * nothing changes; so does {@code DSYNC_JVM_DEFAULTS=keep}. The cost: C1's code runs a long-lived
 * node's hot paths slower than C2's would once compiled. C1 also compiles a method after a twentieth
 * of the calls it would wait for by default ({@code CompileThresholdScaling}): a fresh lock cluster's
 * first 1,000 acquire+release cycles took 12-18 ms each for the first hundred and about 4 ms only
 * after seven hundred; with it, about 5 ms from the second hundred on (one-client lock cycles in the
 * side-by-side script's 15 s window +25 %, 4 of 4 alternating fresh clusters). And the JVM's monitor-deflation
 * thread looks for idle monitors to free once a minute ({@code GuaranteedAsyncDeflationInterval}) instead of every
 * 250 ms ({@code AsyncDeflationInterval=0}): an idle lock cluster spent 52 of its 1,004 ms of CPU in 30 s on those
 * wake-ups (schedstat, 2026-12-02), and a node's few contended monitors can wait a minute. {@link #relaunchCommand}
 * decides; the rest reads the JVM, the environment and the jar's directory.
 */
public final class NodeJvm {
    /** The JVM options a bare start re-executes with. */
    public static final List<String> OPTIONS = List.of("-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1",
            "-XX:CompileThresholdScaling=0.05", "-XX:+UnlockDiagnosticVMOptions", "-XX:AsyncDeflationInterval=0");
    /** Set on the re-executed JVM; also guards against a second re-execution. */
    static final String MARK = "-Ddsync.jvm=node-defaults";

    private NodeJvm() {}

    /**
     * The command to re-execute with, or null to go on as started: when the JVM got options, when
     * the environment says to keep them, or when the node does not run from a jar.
     *
     * @param jvmArguments the JVM's own arguments (RuntimeMXBean#getInputArguments)
     * @param classPath    java.class.path: the jar under {@code java -jar}
     * @param archive      the class-data archive beside the jar, or null if there is none
     */
    static List<String> relaunchCommand(List<String> jvmArguments, String keepEnv, String javaHome, String classPath,
                                        Path archive, String[] args) {
        if (!jvmArguments.isEmpty() || "keep".equals(keepEnv) || classPath == null || !classPath.endsWith(".jar")
                || classPath.contains(java.io.File.pathSeparator)) {
            return null;
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(javaHome, "bin", "java").toString());
        command.addAll(OPTIONS);
        if (archive != null) {
            command.add("-XX:SharedArchiveFile=" + archive);
            command.add("-Xlog:cds=off");
            command.add("-Xlog:cds+dynamic=off");
        }
        command.add(MARK);
        command.add("-jar");
        command.add(classPath);
        command.addAll(List.of(args));
        return command;
    }

    /** The archive {@code make build} writes beside the jar (server.jsa), if it is there. */
    static Path archiveBeside(String jar) {
        if (jar == null || !jar.endsWith(".jar")) {
            return null;
        }
        Path archive = Path.of(jar.substring(0, jar.length() - ".jar".length()) + ".jsa");
        return Files.isReadable(archive) ? archive.toAbsolutePath() : null;
    }

    /** Re-executes this process with the node's options if it was started bare and the JDK can; else returns. */
    static void relaunchIfBare(String[] args) {
        String classPath = System.getProperty("java.class.path");
        List<String> command = relaunchCommand(
                java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments(),
                System.getenv("DSYNC_JVM_DEFAULTS"), System.getProperty("java.home"), classPath,
                archiveBeside(classPath), args);
        if (command != null && InPlaceExec.available()) {
            System.out.flush();
            System.err.flush();
            InPlaceExec.exec(command); // returns only if the exec failed: go on in this JVM
        }
    }
}
