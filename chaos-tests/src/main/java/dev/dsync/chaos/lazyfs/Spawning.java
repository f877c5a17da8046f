package dev.dsync.chaos.lazyfs;

/**
 * One process start at a time in the bench's JVM: a {@code ProcessBuilder} start, or a lazy mount
 * (libfuse forks and execs fusermount, which stays alive for as long as the mount).
 *
 * <p>Why: while the JVM starts a process it holds pipes to the child that are not close-on-exec.
 * A fusermount forked at that moment by a mount in another run inherited them and kept them open,
 * so the JVM waited forever for the child's "started" message (a chaos run of the whole matrix hung
 * in {@code ProcessImpl.forkAndExec} restarting a node after a power loss, while another run mounted).
 */
public final class Spawning {
    public static final Object LOCK = new Object();

    private Spawning() {}
}
