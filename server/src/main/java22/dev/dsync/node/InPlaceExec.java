package dev.dsync.node;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * Replaces this process's program (execv(2)), keeping its process id, so that whoever started the
 * node (a script that kill -9s or SIGSTOPs it by pid) still holds the right process. The JDK 22+
 * half of a multi-release class: it calls libc through the foreign function API. Other threads end
 * with the old program; descriptors the JVM opened close-on-exec stay closed, stdin/out/err stay.
 */
final class InPlaceExec {
    static boolean available() {
        return true;
    }

    private InPlaceExec() {}

    /** Returns only if execv failed (the reason goes to stderr); the caller then goes on as it was. */
    static void exec(List<String> command) {
        try (Arena arena = Arena.ofConfined()) {
            Linker linker = Linker.nativeLinker();
            MethodHandle execv = linker.downcallHandle(
                    linker.defaultLookup().find("execv").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
            MemorySegment argv = arena.allocate(ValueLayout.ADDRESS, command.size() + 1L);
            for (int i = 0; i < command.size(); i++) {
                argv.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(command.get(i)));
            }
            argv.setAtIndex(ValueLayout.ADDRESS, command.size(), MemorySegment.NULL);
            int rc = (int) execv.invokeExact(arena.allocateFrom(command.getFirst()), argv);
            System.err.println("dsync: could not re-execute with the node's JVM options (execv returned " + rc
                    + "); going on with the JVM as started");
        } catch (Throwable t) {
            System.err.println("dsync: could not re-execute with the node's JVM options (" + t
                    + "); going on with the JVM as started");
        }
    }
}
