package dev.dsync.chaos.toxiproxy;

import java.io.IOException;

/**
 * What one toxic does to one direction of one connection. An instance is per-connection state (for
 * example limit_data's byte count) and is only ever called from that link's single thread, so it
 * needs no synchronisation. Attributes are read through {@link ToxicStage#spec()} on every use so
 * that updates made through the API apply to live connections.
 */
interface ToxicBehaviour {
  /** Deadline value meaning "no timer". */
  long NO_DEADLINE = Long.MAX_VALUE;

  /**
   * Called when the toxic starts acting on this connection, and again after each update. Timers
   * (re)start here.
   */
  default void onActivated(ToxicStage stage) {}

  /**
   * Handles data that reached this toxic. Pass it on with {@link ToxicStage#emit}, or drop it by
   * not doing so; wait with {@link ToxicStage#sleepUntil}.
   */
  void onChunk(Chunk chunk, ToxicStage stage) throws IOException, InterruptedException;

  /** {@link System#nanoTime()} at which {@link #onDeadline} should run, or {@link #NO_DEADLINE}. */
  default long deadlineNanos() {
    return NO_DEADLINE;
  }

  /** The timer from {@link #deadlineNanos()} expired; must clear it or end the link. */
  default void onDeadline(ToxicStage stage) throws IOException, InterruptedException {}

  /** The toxic was deleted (or the proxy reset) while acting on this connection. */
  default void onRemoved(ToxicStage stage) throws IOException, InterruptedException {}

  /** How long this toxic holds back the close once the stream before it has ended. */
  default long closeDelayMillis(ToxicStage stage) {
    return 0;
  }
}
