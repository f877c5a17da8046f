package dev.dsync.chaos.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration as GET /cluster/members reports it, and the member list clients go round. */
class ConfigurationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsVotersLearnersAndTheLeader() throws Exception {
        Configuration c = Configuration.parse(JSON.readTree("""
                {"leader":"lock-2","members":[
                  {"id":"lock-1","url":"http://127.0.0.1:1","role":"voter","match_index":12},
                  {"id":"lock-2","url":"http://127.0.0.1:2","role":"voter","match_index":12},
                  {"id":"lock-4","url":"http://127.0.0.1:4","role":"learner","match_index":3}]}"""));
        assertEquals("lock-2", c.leader());
        assertEquals(List.of("lock-1", "lock-2", "lock-4"), c.ids());
        assertEquals(List.of("lock-1", "lock-2"), c.voters());
        assertEquals(List.of("lock-4"), c.learners());
        assertTrue(c.contains("lock-4"));
        assertFalse(c.isVoter("lock-4"));
        assertTrue(c.fromLeader());
        assertEquals(Map.of("leader", "lock-2", "voters", List.of("lock-1", "lock-2"), "learners", List.of("lock-4")),
                c.describe());
    }

    @Test
    void aNodeWithoutLeaderAndAnythingElseAreTold() throws Exception {
        assertNull(Configuration.parse(JSON.readTree("{\"leader\":null,\"members\":[]}")).leader());
        Configuration ownView = Configuration.parse(JSON.readTree("""
                {"leader":"lock-1","members":[{"id":"lock-1","url":"u","role":"voter","match_index":null}]}"""));
        assertFalse(ownView.fromLeader(), "a follower that could not ask its leader answers from its own view");
        assertNull(Configuration.parse(JSON.readTree("{\"error\":\"this node was removed from the cluster\"}")));
        assertNull(Configuration.parse(JSON.readTree("{\"members\":[{\"id\":1}]}")));
        assertNull(Configuration.parse(null));
    }

    @Test
    void clientsGoRoundTheMembersTheBenchLastSaw() {
        ProcessCluster cluster = new ProcessCluster("lock", null, "127.0.0.1", Path.of("server.jar"), Path.of("run"),
                Map.of("ADMIN_TOKEN", "secret"));
        assertEquals(List.of("lock-1", "lock-2", "lock-3"), cluster.nodeIds());
        assertEquals("lock-1", cluster.nodeAt(3));
        assertEquals("lock-3", cluster.nodeAt(-1));
        cluster.useMembers(List.of("lock-2", "lock-3"));
        assertEquals("lock-2", cluster.nodeAt(2), "index 2 wraps onto the two members left");
        assertEquals(List.of("lock-1", "lock-2", "lock-3"), cluster.allNodeIds(), "removed nodes still have logs");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> cluster.useMembers(List.of("lock-2", "lock-9")), "a node the bench never started");
        assertTrue(cluster.canStartNodes());
        assertEquals("secret", cluster.adminToken().orElseThrow());
    }
}
