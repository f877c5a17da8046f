package dev.dsync.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeJvmTest {
    private static final String[] ARGS = {"--service", "lock", "--id", "lock-1"};

    @Test
    void aBareStartIsReExecutedWithTheNodeOptionsAndTheSameArguments() {
        List<String> command = NodeJvm.relaunchCommand(List.of(), null, "/jdk", "target/server.jar",
                Path.of("/x/server.jsa"), ARGS);
        List<String> expected = new ArrayList<>(List.of("/jdk/bin/java"));
        expected.addAll(NodeJvm.OPTIONS);
        expected.addAll(List.of("-XX:SharedArchiveFile=/x/server.jsa", "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
                NodeJvm.MARK, "-jar", "target/server.jar", "--service", "lock", "--id", "lock-1"));
        assertEquals(expected, command);
    }

    @Test
    void withoutAnArchiveTheCommandNamesNone() {
        List<String> command = NodeJvm.relaunchCommand(List.of(), "", "/jdk", "server.jar", null, ARGS);
        assertEquals(-1, String.join(" ", command).indexOf("SharedArchiveFile"), command.toString());
    }

    @Test
    void anyJvmOptionMeansTheCallerChose() {
        assertNull(NodeJvm.relaunchCommand(List.of("-Xmx1g"), null, "/jdk", "server.jar", null, ARGS));
        // the re-executed JVM itself has options, so it never re-executes again
        assertNull(NodeJvm.relaunchCommand(List.of(NodeJvm.MARK), null, "/jdk", "server.jar", null, ARGS));
    }

    @Test
    void theEnvironmentCanKeepTheJvmAsStarted() {
        assertNull(NodeJvm.relaunchCommand(List.of(), "keep", "/jdk", "server.jar", null, ARGS));
    }

    @Test
    void aNodeNotRunFromOneJarIsLeftAlone() {
        assertNull(NodeJvm.relaunchCommand(List.of(), null, "/jdk", "target/classes", null, ARGS));
        assertNull(NodeJvm.relaunchCommand(List.of(), null, "/jdk", "a.jar:b.jar", null, ARGS));
        assertNull(NodeJvm.relaunchCommand(List.of(), null, "/jdk", null, null, ARGS));
    }
}
