package dev.dsync.chaos.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dsync.chaos.toxiproxy.EmbeddedToxiproxy;
import eu.rekawek.toxiproxy.Proxy;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node that joins at run time has a client proxy and one inbound proxy that every member shares,
 * and no proxy of its own for what it sends: the nemesis must be told, not handed a wrong proxy.
 */
class LinkWiringTest {
    private static final List<String> FOUNDERS = List.of("lock-1", "lock-2", "lock-3");

    @Test
    void aJoinedNodeIsReachedThroughOneSharedInboundProxyAndSendsThroughNone() throws Exception {
        try (EmbeddedToxiproxy toxiproxy = EmbeddedToxiproxy.start(0)) {
            LinkWiring links = new LinkWiring("lock");
            links.create(toxiproxy.client(), FOUNDERS, id -> "127.0.0.1:9", name -> "127.0.0.1:0");
            assertEquals(9, links.all().size(), "six directed peer links and three client links");
            links.createJoined(toxiproxy.client(), "lock-4", "127.0.0.1:9", name -> "127.0.0.1:0");

            Proxy inbound = links.sharedInbound("lock-4").orElseThrow();
            assertEquals("lock_peers_to_lock-4", inbound.getName());
            assertSame(inbound, links.get(LinkWiring.PEERS, "lock-4"));
            assertEquals("lock_client_to_lock-4", links.get(LinkWiring.CLIENT, "lock-4").getName());
            assertTrue(links.has(LinkWiring.CLIENT, "lock-4"));

            // Neither direction between a founder and the joined node is a link of its own.
            assertFalse(links.has("lock-1", "lock-4"), "its inbound proxy carries every member's traffic");
            assertFalse(links.has("lock-4", "lock-1"), "it sends to the configuration's addresses");
            assertThrows(IllegalArgumentException.class, () -> links.get("lock-4", "lock-1"));
            assertThrows(IllegalArgumentException.class, () -> links.get("lock-1", "lock-4"));
            assertTrue(links.has("lock-1", "lock-2"), "the founders keep their own links");
            assertEquals("lock_lock-1_to_lock-2", links.get("lock-1", "lock-2").getName());
            assertTrue(links.sharedInbound("lock-1").isEmpty());

            assertEquals(7, links.peerLinks().size(), "six founder links and the joined node's inbound one");
            assertTrue(links.peerLinks().contains(inbound));
            assertEquals(11, links.all().size());
            links.deleteAll();
            assertEquals(List.of(), links.all());
        }
    }
}
