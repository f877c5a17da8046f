package dev.dsync.chaos.clock;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Run in a child JVM: for every line read, prints its two clocks, "currentTimeMillis nanoTime". */
public final class ClockProbe {
    private ClockProbe() {}

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            System.out.println(System.currentTimeMillis() + " " + System.nanoTime());
            System.out.flush();
        }
    }
}
