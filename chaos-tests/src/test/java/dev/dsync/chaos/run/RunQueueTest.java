package dev.dsync.chaos.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RunQueueTest {
    private static final List<String> NEMESES = List.of("partition", "kill", "pause", "latency", "clock", "power", "membership", "mixed");

    /** Two workers whose runs all take as long: 24 runs in 12 rounds, never two of one workload at once, each run once. */
    @Test
    void twoWorkersKeepBusyToTheEndAndNeverRunOneWorkloadTwice() throws Exception {
        RunQueue queue = new RunQueue(List.of("lock", "queue", "cache"), NEMESES);
        Set<RunQueue.Run> seen = new HashSet<>();
        int rounds = 0;
        while (true) {
            RunQueue.Run a = queue.take();
            if (a == null) {
                break;
            }
            List<RunQueue.Run> round = new ArrayList<>(List.of(a));
            RunQueue.Run b = queue.take();
            if (b != null) {
                assertNotEquals(a.workload(), b.workload());
                round.add(b);
            }
            rounds++;
            for (RunQueue.Run r : round) {
                assertTrue(seen.add(r), "given twice: " + r);
                queue.finished(r);
            }
        }
        assertEquals(24, seen.size());
        assertEquals(12, rounds, "no workload left to run its last runs alone");
    }

    @Test
    void aWorkerWaitsWhileTheOnlyWorkloadLeftIsRunning() throws Exception {
        RunQueue queue = new RunQueue(List.of("lock"), List.of("partition", "kill"));
        RunQueue.Run first = queue.take();
        AtomicReference<RunQueue.Run> second = new AtomicReference<>();
        Thread worker = Thread.ofPlatform().start(() -> {
            try {
                second.set(queue.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        worker.join(300);
        assertTrue(worker.isAlive(), "lock/kill must wait for lock/partition");
        queue.finished(first);
        worker.join(5_000);
        assertFalse(worker.isAlive());
        assertEquals(new RunQueue.Run("lock", "kill"), second.get());
        queue.finished(second.get());
        assertNull(queue.take());
    }
}
