package dev.dsync.lock;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Cycle search in the wait-for graph. The graph is kept acyclic (a request that would close a
 * cycle is refused), so after adding one request any new cycle passes through its client: a
 * search from that client alone suffices.
 */
final class WaitForGraph {
    private WaitForGraph() {}

    /**
     * A cycle through {@code start} as the clients in wait order, {@code start} first (each waits
     * for the next, the last for {@code start}); empty if there is none. Iterative depth-first
     * search, so long wait chains cannot overflow the stack; successor order fixes which cycle is
     * reported, so the answer is deterministic.
     */
    static List<String> cycleThrough(String start, Function<String, List<String>> waitsFor) {
        Set<String> visited = new HashSet<>();
        Deque<String> path = new ArrayDeque<>();
        Deque<Iterator<String>> pending = new ArrayDeque<>();
        visited.add(start);
        path.addLast(start);
        pending.addLast(waitsFor.apply(start).iterator());
        while (!pending.isEmpty()) {
            Iterator<String> next = pending.peekLast();
            if (!next.hasNext()) {
                pending.removeLast();
                path.removeLast();
                continue;
            }
            String client = next.next();
            if (client.equals(start)) {
                return new ArrayList<>(path);
            }
            if (visited.add(client)) {
                path.addLast(client);
                pending.addLast(waitsFor.apply(client).iterator());
            }
        }
        return List.of();
    }

    /**
     * Some cycle anywhere in the graph, or empty if it is acyclic. Linear in the graph's size
     * (each client is finished once), for checking the whole state rather than one new request.
     */
    static List<String> anyCycle(Collection<String> clients, Function<String, List<String>> waitsFor) {
        Map<String, Boolean> finished = new HashMap<>(); // false while on the current path
        for (String root : clients) {
            if (finished.containsKey(root)) {
                continue;
            }
            List<String> path = new ArrayList<>();
            Deque<Iterator<String>> pending = new ArrayDeque<>();
            finished.put(root, false);
            path.add(root);
            pending.addLast(waitsFor.apply(root).iterator());
            while (!pending.isEmpty()) {
                Iterator<String> next = pending.peekLast();
                if (!next.hasNext()) {
                    pending.removeLast();
                    finished.put(path.remove(path.size() - 1), true);
                    continue;
                }
                String client = next.next();
                Boolean done = finished.get(client);
                if (done == null) {
                    finished.put(client, false);
                    path.add(client);
                    pending.addLast(waitsFor.apply(client).iterator());
                } else if (!done) {
                    return new ArrayList<>(path.subList(path.indexOf(client), path.size()));
                }
            }
        }
        return List.of();
    }
}
