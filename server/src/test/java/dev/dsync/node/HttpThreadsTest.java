package dev.dsync.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HttpThreadsTest {

    /** Long waits (blocking acquires, long polls) past the pool's size still all run at once: the rest on virtual threads. */
    @Test
    void requestsBeyondThePoolRunAtOnceOnVirtualThreads() throws InterruptedException {
        HttpThreads threads = new HttpThreads();
        int requests = HttpThreads.PLATFORM_THREADS + 36;
        CountDownLatch allWaiting = new CountDownLatch(requests);
        CountDownLatch release = new CountDownLatch(1);
        Set<Thread> platform = ConcurrentHashMap.newKeySet();
        Set<Thread> virtual = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < requests; i++) {
            threads.execute(() -> {
                (Thread.currentThread().isVirtual() ? virtual : platform).add(Thread.currentThread());
                allWaiting.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        try {
            assertTrue(allWaiting.await(10, TimeUnit.SECONDS), "every request runs while the others wait");
            assertEquals(HttpThreads.PLATFORM_THREADS, platform.size());
            assertEquals(requests - HttpThreads.PLATFORM_THREADS, virtual.size());
        } finally {
            release.countDown();
        }
    }

    /** One-at-a-time requests reuse one platform thread (no thread start per request). */
    @Test
    void sequentialRequestsReuseAPlatformThread() throws InterruptedException {
        HttpThreads threads = new HttpThreads();
        Set<Thread> used = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 50; i++) {
            CountDownLatch done = new CountDownLatch(1);
            threads.execute(() -> {
                used.add(Thread.currentThread());
                done.countDown();
            });
            assertTrue(done.await(5, TimeUnit.SECONDS));
            Thread.sleep(1); // let the thread return to the pool before the next request
        }
        assertTrue(used.size() <= 10, "threads used: " + used.size()); // one, unless a thread was slow to return
        assertTrue(used.stream().noneMatch(Thread::isVirtual));
    }
}
