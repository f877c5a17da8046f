package dev.dsync.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WaitForGraphTest {
    private static List<String> edges(Map<String, List<String>> graph, String client) {
        return graph.getOrDefault(client, List.of());
    }

    @Test
    void findsTheCycleThroughTheStartInWaitOrder() {
        Map<String, List<String>> g = Map.of("a", List.of("x", "b"), "b", List.of("c"), "c", List.of("a"), "x", List.of());
        assertEquals(List.of("a", "b", "c"), WaitForGraph.cycleThrough("a", c -> edges(g, c)));
        assertEquals(List.of("b", "c", "a"), WaitForGraph.cycleThrough("b", c -> edges(g, c)));
        assertEquals(List.of(), WaitForGraph.cycleThrough("x", c -> edges(g, c)));
    }

    @Test
    void ignoresCyclesThatAvoidTheStart() {
        Map<String, List<String>> g = Map.of("s", List.of("a"), "a", List.of("b"), "b", List.of("a"));
        assertEquals(List.of(), WaitForGraph.cycleThrough("s", c -> edges(g, c)));
        assertEquals(List.of("a", "b"), WaitForGraph.anyCycle(List.of("s", "a", "b"), c -> edges(g, c)));
    }

    @Test
    void diamondIsNotACycle() {
        Map<String, List<String>> g = Map.of("a", List.of("b", "c"), "b", List.of("d"), "c", List.of("d"));
        assertEquals(List.of(), WaitForGraph.anyCycle(List.of("a", "b", "c", "d"), c -> edges(g, c)));
        assertEquals(List.of(), WaitForGraph.cycleThrough("a", c -> edges(g, c)));
    }
}
