package dev.dsync.chaos.cluster;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class StablePortsTest {
    @Test
    void portsAreBelowTheEphemeralRangeDistinctAndSkipOnesInUse() throws Exception {
        int first = StablePorts.next("127.0.0.1");
        try (ServerSocket taken = new ServerSocket()) {
            // Whatever port comes next is taken by someone else first: it must be skipped.
            int candidate = first + 1 > StablePorts.LAST ? StablePorts.FIRST : first + 1;
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), candidate));
            int second = StablePorts.next("127.0.0.1");
            assertNotEquals(first, second);
            assertNotEquals(candidate, second, "a port someone listens on is not handed out");
            for (int port : new int[] {first, second}) {
                assertTrue(port >= StablePorts.FIRST && port <= StablePorts.LAST, "outside 20000-32000: " + port);
            }
        }
    }
}
