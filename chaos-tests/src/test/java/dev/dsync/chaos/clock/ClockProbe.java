package dev.dsync.chaos.clock;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in a child JVM: for every line read, prints its two clocks, "currentTimeMillis nanoTime". It
 * stats a file before each reading, as a node does all the time (log segments, snapshots): with
 * libfaketime's file-time faking on, the first stat after a rate change threw both clocks off by
 * hours, which a probe that only read clocks never saw.
 */
public final class ClockProbe {
    private ClockProbe() {}

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Path file = Files.createTempFile("clock-probe", ".tmp");
        file.toFile().deleteOnExit();
        while (in.readLine() != null) {
            Files.getLastModifiedTime(file);
            System.out.println(System.currentTimeMillis() + " " + System.nanoTime());
            System.out.flush();
        }
    }
}
