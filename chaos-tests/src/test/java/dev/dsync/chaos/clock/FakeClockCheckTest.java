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

    @Test
    void theExpectedOffsetAddsUpTheLaunchOffsetAndEveryRateSince(@TempDir Path tmp) throws Exception {
        NodeClocks clocks = new NodeClocks(tmp.resolve("libfaketime.so"), tmp.resolve("clocks"));
        assertNull(clocks.expectedOffsetMs("n1", NOW), "never launched: nothing to expect");
        clocks.set("n1", new ClockSpec(5_000, 1.0));
        clocks.writeControlFile("n1");
        long launched = System.currentTimeMillis();
        assertEquals(5_000, clocks.expectedOffsetMs("n1", launched + 60_000));
        assertEquals(0, clocks.slackMs("n1"));

        clocks.set("n1", new ClockSpec(5_000, 1.5)); // a running node takes a new rate
        long changed = System.currentTimeMillis();
        long at = changed + 10_000;
        long expected = clocks.expectedOffsetMs("n1", at);
        assertTrue(Math.abs(expected - 10_000) <= (changed - launched) / 2 + 1, "5 s at x1.5 on top of 5 s: " + expected);
        assertEquals(1_000, clocks.slackMs("n1"), "the change may land up to 2 s late at a rate 0.5 off");

        clocks.set("n1", new ClockSpec(-20_000, 1.5)); // a new offset lands at the next launch only
        assertTrue(Math.abs(clocks.expectedOffsetMs("n1", at) - expected) <= 1, "the offset is unchanged while it runs");
        clocks.set("n1", new ClockSpec(-20_000, 1.0));
        clocks.writeControlFile("n1");
        assertEquals(-20_000, clocks.expectedOffsetMs("n1", NOW + 1_000_000_000L));
        assertEquals(0, clocks.slackMs("n1"));
    }
}
