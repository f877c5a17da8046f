package dev.dsync.arch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The adapter classes: {@code server/adapters.txt}, one class a line, then its reason. The same
 * list says which classes the simulation does not run (README, "Simulation coverage").
 */
final class Adapters {
    private Adapters() {}

    /** Class name to reason, in file order. */
    static Map<String, String> load() throws IOException {
        Map<String, String> adapters = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("adapters.txt"))) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] parts = trimmed.split("\\s+", 2);
            if (parts.length < 2) {
                throw new IllegalStateException("adapters.txt: every class needs its reason: " + line);
            }
            adapters.put(parts[0], parts[1]);
        }
        return adapters;
    }
}
