package dev.dsync.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.it.TestClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Shared pieces of the benchmarks: bounded closed-loop load, percentiles, result files. */
final class BenchSupport {
    static final ObjectMapper JSON = new ObjectMapper();

    private BenchSupport() {}

    /** One client's step: does one unit of work; false when there is nothing left to do. */
    @FunctionalInterface
    interface Step {
        boolean run(TestClient client, int clientIndex) throws Exception;
    }

    /**
     * Runs {@code clients} closed-loop clients for at most {@code window} (and at most a million
     * steps each); returns completed steps per second.
     */
    static double throughput(int clients, Duration window, Step step) throws InterruptedException {
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + window.toNanos();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int index = c;
            TestClient client = new TestClient();
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 1_000_000 && System.nanoTime() < end; i++) {
                        if (!step.run(client, index)) {
                            return;
                        }
                        done.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return Math.round(done.get() / ((System.nanoTime() - start) / 1e9) * 10) / 10.0;
    }

    static void expect(int status, TestClient.Response r) {
        if (r.status() != status) {
            throw new IllegalStateException("expected " + status + " but got " + r.status() + ": " + r.raw());
        }
    }

    static double percentileMs(List<Long> sortedNanos, double p) {
        int i = Math.min(sortedNanos.size() - 1, (int) Math.ceil(p * sortedNanos.size()) - 1);
        return Math.round(sortedNanos.get(Math.max(0, i)) / 1e4) / 100.0;
    }

    static void write(String name, ObjectNode results) throws IOException {
        Path dir = Path.of("bench-results");
        Files.createDirectories(dir);
        Path out = dir.resolve(name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".json");
        Files.writeString(out, results.toPrettyString());
        System.out.println(results.toPrettyString());
        System.out.println("written to " + out);
    }
}
