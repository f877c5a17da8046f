package dev.dsync.node;

import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads that run the HTTP server's handlers: a pool of platform threads, and a virtual thread
 * for each request that arrives while all of them are busy. An adapter (server/adapters.txt).
 *
 * <p>Why not a virtual thread for every request: a handler hands its command to the Raft loop and
 * blocks until the loop completes its future, and each of those hand-offs to a virtual thread goes
 * through the carrier pool, which wakes a carrier (and often a second one that finds nothing to do).
 * With one-request-at-a-time clients that cost the leader about 35 futex calls per write and a fifth
 * of its CPU; a platform thread blocked on the future is woken directly. Why not platform threads
 * only: a request may wait for seconds (a blocking lock acquire, a long-polling dequeue), and
 * thousands of those must not mean thousands of platform threads. Idle pool threads end after a
 * minute, so an idle node keeps none.
 */
final class HttpThreads implements Executor {
    /** Enough for the requests a node serves at once under the benchmarks' 64 clients; past it, virtual threads. */
    static final int PLATFORM_THREADS = 64;
    private static final long IDLE_SECONDS = 60;

    private final ThreadPoolExecutor pool;

    HttpThreads() {
        pool = new ThreadPoolExecutor(0, PLATFORM_THREADS, IDLE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(),
                Thread.ofPlatform().daemon().name("http-", 0).factory(),
                (task, full) -> Thread.ofVirtual().name("http-overflow").start(task));
    }

    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }
}
