package dev.dsync.chaos.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FakeClockCheckTest {
    private static final long NOW = 1_800_000_000_500L;

    @Test
    void aNodeOnItsOffsetPassesEvenWithTheDateHeadersWholeSeconds() {
        long nodeMs = (NOW + 30_000) / 1000 * 1000; // truncated to the second
        assertNull(FakeClockCheck.judge("n1", nodeMs, NOW - 20, NOW + 20, 30_000));
        assertNull(FakeClockCheck.judge("n1", (NOW - 12_000) / 1000 * 1000, NOW, NOW + 5, -12_000));
    }

    @Test
    void aNodeOnTheRealClockIsNamedWhenItShouldBeSkewed() {
        String problem = FakeClockCheck.judge("lock-2", NOW / 1000 * 1000, NOW - 5, NOW + 5, 29_921);
        assertNotNull(problem);
        assertTrue(problem.startsWith("lock-2 is "), problem);
        assertTrue(problem.endsWith("expected +29921 ms"), problem);
        assertNotNull(FakeClockCheck.judge("n", NOW + 10_000, NOW, NOW, -10_000), "the wrong sign is caught too");
    }

    /** A container's node runs as an unprivileged user: libfaketime ignores a file it cannot read. */
    @Test
    void controlFilesAreReadableByEveryUser(@TempDir Path tmp) throws Exception {
        NodeClocks clocks = new NodeClocks(tmp.resolve("libfaketime.so"), tmp.resolve("clocks"));
        clocks.set("n1", new ClockSpec(5_000, 1.0));
        clocks.writeControlFile("n1");
        var permissions = Files.getPosixFilePermissions(clocks.controlFile("n1"));
        assertTrue(permissions.contains(PosixFilePermission.OTHERS_READ), permissions.toString());
        assertEquals("+5.000 x1.000000", Files.readString(clocks.controlFile("n1")).trim());
    }
}
