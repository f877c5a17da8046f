package dev.dsync.chaos.toxiproxy;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded hand-off between the thread reading one socket and the {@link ToxicLink} that pushes
 * the data through the toxics. It doubles as the link's doorbell: a change to the proxy's toxics
 * bumps {@link #generation()} so a link that is idle or delaying data re-reads its chain at once.
 *
 * <p>Invariants: at most {@code capacity} chunks are queued (the reader blocks, giving TCP
 * back-pressure); once closed the inbox drops everything and never blocks again.
 */
final class LinkInbox {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
  private final int capacity;
  private boolean endOfStream;
  private boolean closed;
  private long generation;

  LinkInbox(int capacity) {
    this.capacity = capacity;
  }

  /** Queues data read from the source; blocks while full. Returns false once the inbox is closed. */
  boolean put(Chunk chunk) throws InterruptedException {
    lock.lock();
    try {
      while (chunks.size() >= capacity && !closed) {
        notFull.await();
      }
      if (closed) {
        return false;
      }
      chunks.addLast(chunk);
      changed.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** The source reached EOF (or failed); the link sees {@link Chunk#END} after the queued data. */
  void endOfStream() {
    lock.lock();
    try {
      endOfStream = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The link is gone: drop queued data and release a blocked reader for good. */
  void close() {
    lock.lock();
    try {
      closed = true;
      chunks.clear();
      changed.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }

  boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /** Rings the doorbell: the toxic chain changed. */
  void wakeUp() {
    lock.lock();
    try {
      generation++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  long generation() {
    lock.lock();
    try {
      return generation;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the next chunk, {@link Chunk#END} after the last one, or null when the deadline passed,
   * the generation moved past {@code seenGeneration}, or the inbox was closed. A moved generation
   * wins over queued data so the caller applies the new chain before touching more bytes.
   */
  Chunk take(long seenGeneration, long deadlineNanos) throws InterruptedException {
    lock.lock();
    try {
      while (true) {
        if (closed || generation != seenGeneration) {
          return null;
        }
        Chunk next = chunks.pollFirst();
        if (next != null) {
          notFull.signal();
          return next;
        }
        if (endOfStream) {
          return Chunk.END;
        }
        if (!awaitUntil(deadlineNanos)) {
          return null;
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Sleeps until the deadline, a generation change or close, whichever comes first. */
  void awaitChange(long seenGeneration, long deadlineNanos) throws InterruptedException {
    lock.lock();
    try {
      while (!closed && generation == seenGeneration) {
        if (!awaitUntil(deadlineNanos)) {
          return;
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Waits on {@code changed} (lock held); returns false when the deadline has passed. */
  private boolean awaitUntil(long deadlineNanos) throws InterruptedException {
    if (deadlineNanos == Long.MAX_VALUE) {
      changed.await();
      return true;
    }
    long remaining = deadlineNanos - System.nanoTime();
    if (remaining <= 0) {
      return false;
    }
    changed.await(remaining, TimeUnit.NANOSECONDS);
    return true;
  }
}
