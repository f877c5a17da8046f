package dev.dsync.chaos.toxiproxy;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One toxic's place in one link's chain: the toxic's current spec, its per-connection
 * {@link ToxicBehaviour}, and whether the toxicity roll made it act on this connection at all.
 * Behaviours reach the rest of the link only through this class.
 */
final class ToxicStage {
  private final ToxicLink link;
  private final ToxicBehaviour behaviour;
  private ToxicSpec spec;
  private boolean applied;
  private int index;

  ToxicStage(ToxicLink link, ToxicSpec spec) {
    this.link = link;
    this.behaviour = spec.type().newBehaviour();
    this.spec = spec;
    roll();
  }

  /** Takes a new version of the same toxic: re-rolls toxicity and restarts its timers. */
  void update(ToxicSpec newSpec) {
    this.spec = newSpec;
    roll();
  }

  private void roll() {
    // As in Toxiproxy: a toxic acts on a connection when rand < toxicity, so 1 = always, 0 = never.
    applied = ThreadLocalRandom.current().nextFloat() < spec.toxicity();
    if (applied) {
      behaviour.onActivated(this);
    }
  }

  ToxicSpec spec() {
    return spec;
  }

  ToxicBehaviour behaviour() {
    return behaviour;
  }

  boolean applied() {
    return applied;
  }

  int index() {
    return index;
  }

  void index(int newIndex) {
    this.index = newIndex;
  }

  /** Passes data to the next toxic in the chain (or to the destination socket). */
  void emit(Chunk chunk) throws IOException, InterruptedException {
    link.emitFrom(index + 1, chunk);
  }

  /**
   * Waits until {@code deadlineNanos} ({@link System#nanoTime()} based). Returns false early when
   * this toxic was removed or updated meanwhile: like Toxiproxy, an interrupted toxic stops
   * delaying and lets the data it holds go on at once.
   */
  boolean sleepUntil(long deadlineNanos) throws IOException, InterruptedException {
    return link.sleepUntil(deadlineNanos, this);
  }

  /** Ends the stream here: later slow_close toxics still delay the close, then the peer gets FIN. */
  void endStream() throws IOException, InterruptedException {
    link.finish(index, false);
  }

  /** Ends the stream here and aborts both sockets with RST (SO_LINGER 0). */
  void resetConnection() throws IOException, InterruptedException {
    link.finish(index, true);
  }

  /** Keeps a reset that was already armed when the toxic got removed (Toxiproxy cannot cancel it). */
  void resetLater(long atNanos) {
    link.scheduleOrphanReset(atNanos);
  }
}
