package dev.dsync.chaos.toxiproxy;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves one direction of one connection from its {@link LinkInbox} through the proxy's toxics for
 * that direction to the destination socket. Runs on its own (virtual) thread; every toxic of the
 * chain runs on that thread, one chunk at a time, so data order is always preserved.
 *
 * <p>Live changes: before taking each chunk, and whenever the doorbell rings, the link re-reads the
 * chain. New toxics start acting on this connection, updated ones restart, deleted ones get their
 * cleanup (a deleted timeout closes the connection, as in Toxiproxy) and stop delaying data they
 * hold.
 *
 * <p>Ending: the source's EOF, or a toxic ending the stream, waits for the slow_close toxics after
 * that point and then closes the destination socket outright, like Toxiproxy; the other direction
 * then sees its source fail and ends the same way.
 */
final class ToxicLink implements Runnable {
  private final ProxyConnection connection;
  private final StreamDirection direction;
  private final ToxicCollection toxics;
  private final LinkInbox inbox;
  private final OutputStream destination;
  private final Map<Long, ToxicStage> stagesById = new HashMap<>();
  private List<ToxicStage> stages = List.of();
  private long orphanResetAtNanos = ToxicBehaviour.NO_DEADLINE;
  private long syncedGeneration = -1;
  private boolean finished;

  ToxicLink(
      ProxyConnection connection,
      StreamDirection direction,
      ToxicCollection toxics,
      LinkInbox inbox,
      OutputStream destination) {
    this.connection = connection;
    this.direction = direction;
    this.toxics = toxics;
    this.inbox = inbox;
    this.destination = destination;
  }

  @Override
  public void run() {
    try {
      while (true) {
        long seen = inbox.generation();
        if (seen != syncedGeneration) {
          // Safe to skip otherwise: a change published after this read bumps the generation
          // again, so take() returns at once and the next round syncs.
          syncStages();
          syncedGeneration = seen;
        }
        fireDueTimers();
        Chunk chunk = inbox.take(seen, nextDeadline());
        if (inbox.isClosed()) {
          return;
        }
        if (chunk == Chunk.END) {
          finish(-1, false);
        } else if (chunk != null) {
          emitFrom(0, chunk);
        }
      }
    } catch (LinkFinished | IOException | InterruptedException e) {
      // Ended by a toxic, by the peer, or by the proxy; nothing more can be delivered.
    } finally {
      inbox.close();
      connection.closeDestination(direction, false);
      connection.linkDone();
    }
  }

  /** Hands a chunk to the first acting toxic at or after {@code index}, else writes it out. */
  void emitFrom(int index, Chunk chunk) throws IOException, InterruptedException {
    for (int i = index; i < stages.size(); i++) {
      ToxicStage stage = stages.get(i);
      if (stage.applied()) {
        stage.behaviour().onChunk(chunk, stage);
        return;
      }
    }
    if (chunk.length() > 0) {
      destination.write(chunk.data);
    }
  }

  /** See {@link ToxicStage#sleepUntil}; timers of other toxics keep firing meanwhile. */
  boolean sleepUntil(long deadlineNanos, ToxicStage stage)
      throws IOException, InterruptedException {
    while (true) {
      long seen = inbox.generation();
      if (inbox.isClosed()) {
        throw new LinkFinished();
      }
      if (!toxics.isCurrent(direction, stage.spec())) {
        return false;
      }
      fireDueTimers();
      if (System.nanoTime() - deadlineNanos >= 0) {
        return true;
      }
      inbox.awaitChange(seen, Math.min(deadlineNanos, nextDeadline()));
    }
  }

  /**
   * Ends this direction at chain position {@code fromIndex} (-1 = the source itself ended): waits
   * for the slow_close toxics after that position, then closes the destination (with RST when
   * {@code reset}). Never returns normally.
   */
  void finish(int fromIndex, boolean reset) throws InterruptedException {
    if (finished) {
      throw new LinkFinished();
    }
    finished = true;
    long delayMillis = 0;
    for (ToxicStage stage : stages) {
      if (stage.index() > fromIndex && stage.applied()) {
        delayMillis += stage.behaviour().closeDelayMillis(stage);
      }
    }
    long closeAt = System.nanoTime() + delayMillis * 1_000_000L;
    while (delayMillis > 0 && !inbox.isClosed() && System.nanoTime() - closeAt < 0) {
      inbox.awaitChange(inbox.generation(), closeAt);
    }
    connection.closeDestination(direction, reset);
    throw new LinkFinished();
  }

  void scheduleOrphanReset(long atNanos) {
    orphanResetAtNanos = Math.min(orphanResetAtNanos, atNanos);
  }

  /** Brings the stages in line with the proxy's current chain for this direction. */
  private void syncStages() throws IOException, InterruptedException {
    List<ToxicSpec> chain = toxics.snapshot(direction);
    Map<Long, ToxicSpec> current = new HashMap<>();
    for (ToxicSpec spec : chain) {
      current.put(spec.id(), spec);
    }
    // Removals first, while the old positions are still valid for their cleanup.
    for (ToxicStage stage : stages) {
      if (!current.containsKey(stage.spec().id())) {
        stagesById.remove(stage.spec().id());
        if (stage.applied()) {
          stage.behaviour().onRemoved(stage);
        }
      }
    }
    List<ToxicStage> next = new ArrayList<>(chain.size());
    for (ToxicSpec spec : chain) {
      ToxicStage stage = stagesById.get(spec.id());
      if (stage == null) {
        stage = new ToxicStage(this, spec);
        stagesById.put(spec.id(), stage);
      } else if (stage.spec() != spec) {
        stage.update(spec);
      }
      stage.index(next.size());
      next.add(stage);
    }
    stages = List.copyOf(next);
  }

  private long nextDeadline() {
    long deadline = orphanResetAtNanos;
    for (ToxicStage stage : stages) {
      if (stage.applied()) {
        deadline = Math.min(deadline, stage.behaviour().deadlineNanos());
      }
    }
    return deadline;
  }

  private void fireDueTimers() throws IOException, InterruptedException {
    long now = System.nanoTime();
    if (orphanResetAtNanos != ToxicBehaviour.NO_DEADLINE && now - orphanResetAtNanos >= 0) {
      finish(-1, true);
    }
    for (ToxicStage stage : stages) {
      long deadline = stage.behaviour().deadlineNanos();
      if (stage.applied() && deadline != ToxicBehaviour.NO_DEADLINE && now - deadline >= 0) {
        stage.behaviour().onDeadline(stage);
      }
    }
  }
}
