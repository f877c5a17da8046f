package dev.dsync.chaos.run;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The runs of a chaos matrix, handed out to parallel workers so that two runs of one workload never
 * run at once (their proxies are named after the service, so they would collide) and the workers stay
 * busy: each takes the free workload with the most runs left, so no workload's runs are left to the
 * end to run one after another. Within a workload, runs go in the order given.
 */
final class RunQueue {
    /** One run of the matrix. */
    record Run(String workload, String nemesis) {}

    private final Map<String, Deque<String>> pending = new LinkedHashMap<>();
    private final Set<String> running = new HashSet<>();

    RunQueue(List<String> workloads, List<String> nemeses) {
        for (String workload : workloads) {
            pending.put(workload, new ArrayDeque<>(nemeses));
        }
    }

    /** The next run to start, waiting while every workload with runs left is running; null when none are left. */
    synchronized Run take() throws InterruptedException {
        while (true) {
            String best = null;
            boolean anyLeft = false;
            for (Map.Entry<String, Deque<String>> e : pending.entrySet()) {
                if (e.getValue().isEmpty()) {
                    continue;
                }
                anyLeft = true;
                if (!running.contains(e.getKey()) && (best == null || e.getValue().size() > pending.get(best).size())) {
                    best = e.getKey();
                }
            }
            if (!anyLeft) {
                return null;
            }
            if (best != null) {
                running.add(best);
                return new Run(best, pending.get(best).removeFirst());
            }
            wait();
        }
    }

    /** {@code run} has ended: its workload is free again. */
    synchronized void finished(Run run) {
        running.remove(run.workload());
        notifyAll();
    }
}
