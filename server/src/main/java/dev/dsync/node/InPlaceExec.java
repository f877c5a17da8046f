package dev.dsync.node;

import java.util.List;

/**
 * Replaces this process's program (execv(2)), keeping its process id. This is the Java 21 build,
 * which cannot call native code without preview features: it never does. The jar's
 * META-INF/versions/22 holds the real one (src/main/java22), which JDK 22 and later load instead.
 */
final class InPlaceExec {
    static boolean available() {
        return false;
    }

    private InPlaceExec() {}

    static void exec(List<String> command) {
        throw new UnsupportedOperationException("execv needs JDK 22 or later");
    }
}
