package dev.dsync.chaos.toxiproxy;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * slicer: splits data into pieces of {@code average_size ± size_variation} bytes (at least 1) and
 * waits {@code delay} microseconds between pieces. Every byte gets through, in order.
 */
final class SlicerToxic implements ToxicBehaviour {
  @Override
  public void onChunk(Chunk chunk, ToxicStage stage) throws IOException, InterruptedException {
    long average = Math.max(1, stage.spec().attribute("average_size"));
    long variation = Math.max(0, Math.min(stage.spec().attribute("size_variation"), average - 1));
    long delayMicros = Math.max(0, stage.spec().attribute("delay"));
    int offset = 0;
    while (offset < chunk.length()) {
      long size = average;
      if (variation > 0) {
        size += ThreadLocalRandom.current().nextLong(-variation, variation + 1);
      }
      int end = (int) Math.min(chunk.length(), offset + size);
      stage.emit(chunk.slice(offset, end));
      offset = end;
      if (offset < chunk.length() && delayMicros > 0) {
        if (!stage.sleepUntil(System.nanoTime() + delayMicros * 1_000L)) {
          stage.emit(chunk.slice(offset, chunk.length()));
          return;
        }
      }
    }
  }
}
