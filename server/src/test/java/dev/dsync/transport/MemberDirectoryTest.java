package dev.dsync.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which address wins, and when an id is forgotten. */
class MemberDirectoryTest {
    private static URI url(String s) {
        return URI.create(s);
    }

    @Test
    void ownPeersEntryWinsOverTheConfigurationWhichWinsOverADeclaration() {
        MemberDirectory d = new MemberDirectory(Map.of("b", url("http://proxy-a-to-b:9001")));
        assertNull(d.address("b"), "--peers alone makes no id known: the configuration does");
        d.learn("b", "http://b-declared:8000");
        d.learn("c", "http://c-declared:8000");
        d.publish(Map.of("b", "http://b:8000", "c", "http://c:8000", "d", ""));
        assertEquals(url("http://proxy-a-to-b:9001"), d.address("b"));
        assertEquals(url("http://c:8000"), d.address("c"));
        assertNull(d.address("d"), "an id with no address anywhere has none");
        d.learn("d", "http://d-declared:8000/");
        assertEquals(url("http://d-declared:8000"), d.address("d"));
        assertEquals(Map.of("b", url("http://proxy-a-to-b:9001"), "c", url("http://c:8000"), "d", url("http://d-declared:8000")),
                d.snapshot());
    }

    @Test
    void anIdThatLeavesTheConfigurationIsForgottenWithWhatItDeclared() {
        MemberDirectory d = new MemberDirectory(Map.of("b", url("http://b:8000")));
        d.publish(Map.of("b", "http://b:8000", "c", "http://c:8000"));
        d.learn("c", "http://c:8000");
        d.learn("joiner", "http://j:8000"); // never in a configuration: kept, so this node can answer it
        d.publish(Map.of("c", "http://c:8000"));
        assertNull(d.address("b"), "a removed founding member stays reachable");
        d.publish(Map.of());
        assertNull(d.address("c"));
        assertEquals(url("http://j:8000"), d.address("joiner"));
    }

    @Test
    void onlyPlainHttpUrlsWithoutAPathAreAddresses() {
        assertEquals(url("http://h:1"), MemberDirectory.parse(" http://h:1// "));
        for (String bad : new String[] {null, "", "h:1", "https://h:1", "http://h:1/p", "http://h:1?q", "http://u@h:1", "http:/h", "ftp://h"}) {
            assertNull(MemberDirectory.parse(bad), bad);
        }
    }
}
