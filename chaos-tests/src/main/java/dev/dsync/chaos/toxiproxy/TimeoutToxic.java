package dev.dsync.chaos.toxiproxy;

import java.io.IOException;

/**
 * timeout: lets no data through (it is dropped, not delayed) and closes the connection
 * {@code timeout} ms after the toxic started acting on it; 0 never closes, i.e. a blackhole.
 *
 * <p>Deleting the toxic closes the connections it was acting on, as Toxiproxy does: bytes were
 * dropped, so continuing the stream would hand the peer corrupt data. New connections flow again.
 */
final class TimeoutToxic implements ToxicBehaviour {
  private long closeAtNanos = NO_DEADLINE;

  @Override
  public void onActivated(ToxicStage stage) {
    long timeout = stage.spec().attribute("timeout");
    closeAtNanos = timeout > 0 ? System.nanoTime() + timeout * 1_000_000L : NO_DEADLINE;
  }

  @Override
  public void onChunk(Chunk chunk, ToxicStage stage) {
    // Dropped on the floor.
  }

  @Override
  public long deadlineNanos() {
    return closeAtNanos;
  }

  @Override
  public void onDeadline(ToxicStage stage) throws IOException, InterruptedException {
    closeAtNanos = NO_DEADLINE;
    stage.endStream();
  }

  @Override
  public void onRemoved(ToxicStage stage) throws IOException, InterruptedException {
    stage.endStream();
  }
}
