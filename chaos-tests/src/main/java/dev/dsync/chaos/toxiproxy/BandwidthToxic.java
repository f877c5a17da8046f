package dev.dsync.chaos.toxiproxy;

import java.io.IOException;

/**
 * bandwidth: lets at most {@code rate} KB/s (1 KB = 1000 bytes) through. Large chunks go out in
 * pieces of 100 ms worth of data so the stream trickles rather than stalls. Idle time earns no
 * burst credit. A rate of 0 holds data back until the toxic is updated or removed, which is what
 * Toxiproxy ends up doing too.
 */
final class BandwidthToxic implements ToxicBehaviour {
  private long nextSendNanos = Long.MIN_VALUE;

  @Override
  public void onChunk(Chunk chunk, ToxicStage stage) throws IOException, InterruptedException {
    long rate = stage.spec().attribute("rate");
    if (rate <= 0) {
      stage.sleepUntil(NO_DEADLINE); // returns once the toxic changes; then the data goes on
      stage.emit(chunk);
      return;
    }
    int pieceSize = (int) Math.min(Integer.MAX_VALUE, rate * 100);
    int offset = 0;
    while (offset < chunk.length()) {
      int size = Math.min(pieceSize, chunk.length() - offset);
      long now = System.nanoTime();
      long start = nextSendNanos == Long.MIN_VALUE || now - nextSendNanos > 0 ? now : nextSendNanos;
      // rate KB/s == rate bytes per millisecond.
      nextSendNanos = start + size * 1_000_000L / rate;
      if (!stage.sleepUntil(nextSendNanos)) {
        nextSendNanos = Long.MIN_VALUE;
        stage.emit(chunk.slice(offset, chunk.length()));
        return;
      }
      stage.emit(chunk.slice(offset, offset + size));
      offset += size;
    }
  }
}
