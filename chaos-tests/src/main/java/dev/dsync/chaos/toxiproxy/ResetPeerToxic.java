package dev.dsync.chaos.toxiproxy;

/**
 * reset_peer: when data next reaches it, drops that data and, {@code timeout} ms later (0 = at
 * once), aborts the connection with a TCP RST (SO_LINGER 0) on both sockets. Data arriving while
 * the reset is pending never gets through. Once armed the reset happens even if the toxic is
 * deleted meanwhile, as in Toxiproxy.
 */
final class ResetPeerToxic implements ToxicBehaviour {
  private long resetAtNanos = NO_DEADLINE;

  @Override
  public void onChunk(Chunk chunk, ToxicStage stage) {
    if (resetAtNanos == NO_DEADLINE) {
      long timeout = Math.max(0, stage.spec().attribute("timeout"));
      resetAtNanos = System.nanoTime() + timeout * 1_000_000L;
    }
  }

  @Override
  public long deadlineNanos() {
    return resetAtNanos;
  }

  @Override
  public void onDeadline(ToxicStage stage) throws java.io.IOException, InterruptedException {
    stage.resetConnection();
  }

  @Override
  public void onRemoved(ToxicStage stage) {
    if (resetAtNanos != NO_DEADLINE) {
      stage.resetLater(resetAtNanos);
    }
  }
}
