package dev.dsync.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeConfigTest {
    private static final String PEERS = "lock-1=http://127.0.0.1:8000,lock-2=http://127.0.0.1:8001,lock-3=http://127.0.0.1:8002";

    @Test
    void flagsWinOverEnvironmentAndDefaultsFillTheRest() {
        Map<String, String> env = Map.of("SERVICE", "lock", "NODE_ID", "lock-2", "PORT", "9999", "PEERS", PEERS, "DATA_DIR", "/tmp/x");
        NodeConfig c = NodeConfig.parse(new String[] {"--port", "8001", "--tick-ms=10"}, env::get);
        assertEquals("lock-2", c.nodeId());
        assertEquals(8001, c.port());
        assertEquals(10, c.tickMs());
        assertEquals(12, c.electionTicks());
        assertEquals(3, c.peers().size());
        assertEquals("", c.clusterToken());
        assertTrue(c.warmUp(), "a node warms up unless told not to");
        assertEquals(false, NodeConfig.parse(new String[] {"--warm-up", "false"}, env::get).warmUp());
        assertEquals(false, NodeConfig.parse(new String[] {}, Map.of("SERVICE", "lock", "NODE_ID", "lock-2", "PORT", "1",
                "PEERS", PEERS, "DATA_DIR", "/tmp/x", "WARM_UP", "FALSE")::get).warmUp());
    }

    @Test
    void badSettingsAreNamed() {
        Map<String, String> env = Map.of();
        assertMessage("missing --service", () -> NodeConfig.parse(new String[] {}, env::get));
        assertMessage("--service must be one of", () -> NodeConfig.parse(args("--service", "kv"), env::get));
        assertMessage("is not among --peers", () -> NodeConfig.parse(args("--id", "lock-9"), env::get));
        assertMessage("--port must be a whole number", () -> NodeConfig.parse(args("--port", "eighty"), env::get));
        assertMessage("unknown flag --colour", () -> NodeConfig.parse(new String[] {"--colour", "red"}, env::get));
        assertMessage("must look like", () -> NodeConfig.parse(new String[] {"--service", "lock", "--id", "a", "--port", "1",
                "--peers", "a=http://h:1,b", "--data-dir", "d"}, env::get));
        assertMessage("names b twice", () -> NodeConfig.parse(new String[] {"--service", "lock", "--id", "a", "--port", "1",
                "--peers", "a=http://h:1,b=http://h:2,b=http://h:3", "--data-dir", "d"}, env::get));
        assertMessage("--warm-up must be true or false, not 'soon'", () -> NodeConfig.parse(args("--warm-up", "soon"), env::get));
        assertMessage("--heartbeat-ticks must be below", () -> NodeConfig.parse(args("--heartbeat-ticks", "20"), env::get));
    }

    @Test
    void aFoundingNodeAdvertisesItsOwnPeersEntryAndHasNoAdminTokenByDefault() {
        NodeConfig c = NodeConfig.parse(args("--bind", "0.0.0.0"), Map.<String, String>of()::get);
        assertEquals(URI.create("http://127.0.0.1:8000"), c.advertiseUrl());
        assertNull(c.joinUrl());
        assertEquals("", c.adminToken());
    }

    @Test
    void aJoiningNodeNeedsNoPeersAndAdvertisesItsBindAddress() {
        Map<String, String> env = Map.of("ADMIN_TOKEN", "s3cret", "JOIN_URL", "http://10.0.0.1:8000/");
        NodeConfig c = NodeConfig.parse(new String[] {"--service", "lock", "--id", "lock-4", "--port", "8003", "--data-dir", "d"}, env::get);
        assertEquals(URI.create("http://10.0.0.1:8000"), c.joinUrl());
        assertEquals(Map.of(), c.peers());
        assertEquals(URI.create("http://127.0.0.1:8003"), c.advertiseUrl());
        assertEquals("s3cret", c.adminToken());
        NodeConfig advertised = NodeConfig.parse(new String[] {"--service", "lock", "--id", "lock-4", "--port", "8003",
                "--data-dir", "d", "--join", "http://h:8000", "--bind", "0.0.0.0", "--advertise-url", "http://host-d:8003"},
                Map.<String, String>of()::get);
        assertEquals(URI.create("http://host-d:8003"), advertised.advertiseUrl());
    }

    @Test
    void membershipSettingsAreChecked() {
        Map<String, String> env = Map.of();
        String[] joining = {"--service", "lock", "--id", "lock-4", "--port", "8003", "--data-dir", "d"};
        assertMessage("not both", () -> NodeConfig.parse(args("--join", "http://127.0.0.1:8000"), env::get));
        assertMessage("not both", () -> NodeConfig.parse(args("--id", "lock-1"), Map.of("JOIN_URL", "http://h:1")::get));
        assertMessage("missing --peers", () -> NodeConfig.parse(joining, env::get));
        assertMessage("or --join", () -> NodeConfig.parse(joining, env::get));
        assertMessage("--join 'ftp://h:1' must be an http://host:port URL",
                () -> NodeConfig.parse(with(joining, "--join", "ftp://h:1"), env::get));
        assertMessage("must be an http://host:port URL", () -> NodeConfig.parse(with(joining, "--join", "http://h:1/sub"), env::get));
        assertMessage("set --advertise-url",
                () -> NodeConfig.parse(with(with(joining, "--join", "http://h:1"), "--bind", "0.0.0.0"), env::get));
        assertMessage("--advertise-url 'nope'", () -> NodeConfig.parse(args("--advertise-url", "nope"), env::get));
        assertMessage("--id 'lock 4' must be 1-64 of", () -> NodeConfig.parse(with(with(joining, "--join", "http://h:1"),
                "--id", "lock 4"), env::get));
    }

    private static String[] with(String[] args, String flag, String value) {
        String[] more = java.util.Arrays.copyOf(args, args.length + 2);
        more[args.length] = flag;
        more[args.length + 1] = value;
        return more;
    }

    private static String[] args(String flag, String value) {
        return new String[] {"--service", "lock", "--id", "lock-1", "--port", "8000", "--peers", PEERS, "--data-dir", "d", flag, value};
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable parse) {
        NodeConfig.ConfigException e = assertThrows(NodeConfig.ConfigException.class, parse);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
