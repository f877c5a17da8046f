package dev.dsync.chaos.clock;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where Debian's libfaketime is ({@code apt-get install libfaketime}) and the environment that puts
 * a process under it, reading its clock from a control file that can change while it runs.
 *
 * <p>Choices, each checked by {@code LibfaketimeJvmTest} against a real JVM:
 * <ul>
 *   <li>{@code libfaketimeMT.so.1}, the thread-safe build: the JVM reads clocks from many threads.
 *   <li>Monotonic clocks are faked too (no {@code FAKETIME_DONT_FAKE_MONOTONIC}): the server times
 *       leases with {@code System.nanoTime}, so a drift that left it alone would test nothing. JDK
 *       21+ does not hang with it, contrary to the old warning in libfaketime's README.
 *   <li>{@code FAKETIME_XRESET=1}: libfaketime's README warns that without it a rate change
 *       applies to the whole time since the process started (x1 -> x2 after 10 s looks like 20 s
 *       passed), and a hand test here saw such a jump when offset and rate changed together. With it
 *       the new rate runs from the change on: {@code LibfaketimeJvmTest} measures no step over 1 ms
 *       across x1 -> x1.5, and rates within 0.03 %. The price: the offset is taken when the process
 *       starts; later offset changes in the file are ignored. (Without XRESET they are taken, and
 *       step CLOCK_MONOTONIC along with CLOCK_REALTIME.)
 *   <li>{@code FAKETIME_CACHE_DURATION=1}: the file is read at most once a second. Reading it on
 *       every clock call ({@code FAKETIME_NO_CACHE}) costs ~40 us a call, which a JVM making
 *       thousands of calls a second cannot afford; a change then takes effect within one to two
 *       seconds (the re-read waits until whole seconds since the last read exceed the duration).
 *   <li>{@code NO_FAKE_STAT=1}: file times stay real. With them faked (libfaketime's default), the
 *       first {@code stat} after a rate change threw both clocks off by hours in libfaketime 0.9.10:
 *       {@code System.nanoTime} fell back by the machine's uptime, the wall clock leapt minutes to
 *       hours ahead. Every node stats files (its log segments, snapshots), so a node under the drift
 *       fault saw its leases expire at once, far outside the bounds the nemesis promises. The bench
 *       only fakes the clocks leases are timed with; file times are no part of that.
 * </ul>
 */
public final class Libfaketime {
    private static final String LIBRARY = "libfaketimeMT.so.1";

    private Libfaketime() {}

    /** The library: {@code $FAKETIME_LIB} if set, else Debian's multiarch location. */
    public static Optional<Path> find() {
        String configured = System.getenv("FAKETIME_LIB");
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
        }
        for (Path root : new Path[] {Path.of("/usr/lib"), Path.of("/usr/local/lib")}) {
            Path direct = root.resolve("faketime").resolve(LIBRARY);
            if (Files.isRegularFile(direct)) {
                return Optional.of(direct);
            }
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (DirectoryStream<Path> arches = Files.newDirectoryStream(root, "*-linux-gnu*")) {
                for (Path arch : arches) {
                    Path candidate = arch.resolve("faketime").resolve(LIBRARY);
                    if (Files.isRegularFile(candidate)) {
                        return Optional.of(candidate);
                    }
                }
            } catch (IOException e) {
                // unreadable directory: not there
            }
        }
        return Optional.empty();
    }

    /** The library, or an exception that says how to install it. */
    public static Path require() throws IOException {
        return find().orElseThrow(() -> new IOException(
                "clock faults need libfaketime: apt-get install -y libfaketime (or set FAKETIME_LIB to " + LIBRARY + ")"));
    }

    /** Environment for a process whose clocks follow {@code controlFile}. */
    public static Map<String, String> environment(Path library, Path controlFile) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LD_PRELOAD", library.toAbsolutePath().toString());
        env.put("FAKETIME_TIMESTAMP_FILE", controlFile.toAbsolutePath().toString());
        env.put("FAKETIME_XRESET", "1");
        env.put("FAKETIME_CACHE_DURATION", "1");
        env.put("NO_FAKE_STAT", "1");
        // libfaketime parses the rate with the C library's locale: keep '.' the decimal point.
        env.put("LC_NUMERIC", "C");
        return env;
    }
}
