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
 * with the old program; every descriptor but stdin, stdout and stderr is closed on the way.
 */
final class InPlaceExec {
    private static final int F_SETFD = 2;
    private static final int FD_CLOEXEC = 1;

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
            closeOnExec(linker);
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

    /**
     * Marks every open descriptor but stdin, stdout and stderr close-on-exec: the JVM opened some
     * (its jar, its modules image) without, and the new program would inherit them unused.
     */
    private static void closeOnExec(Linker linker) throws Throwable {
        MethodHandle fcntl = linker.downcallHandle(linker.defaultLookup().find("fcntl").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                Linker.Option.firstVariadicArg(2));
        String[] fds = new java.io.File("/proc/self/fd").list();
        for (String name : fds == null ? new String[0] : fds) {
            int fd = Integer.parseInt(name);
            if (fd > 2) {
                int ignored = (int) fcntl.invokeExact(fd, F_SETFD, FD_CLOEXEC); // a descriptor closed meanwhile: EBADF, fine
            }
        }
    }
}
