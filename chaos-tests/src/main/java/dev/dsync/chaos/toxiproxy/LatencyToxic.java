package dev.dsync.chaos.toxiproxy;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * latency: delivers every chunk {@code latency ± jitter} ms after it was read from the source.
 * Delays overlap (a stream is shifted, not slowed down) and order is kept because the link
 * handles one chunk at a time; a chunk whose jittered due time is earlier than its predecessor's
 * simply goes out right after it.
 */
final class LatencyToxic implements ToxicBehaviour {
  @Override
  public void onChunk(Chunk chunk, ToxicStage stage) throws IOException, InterruptedException {
    long latency = stage.spec().attribute("latency");
    long jitter = stage.spec().attribute("jitter");
    long delayMillis = latency;
    if (jitter > 0) {
      // Same spread as Toxiproxy: uniform in [latency - jitter, latency + jitter).
      delayMillis += ThreadLocalRandom.current().nextLong(-jitter, jitter);
    }
    long due = chunk.timeNanos + Math.max(0, delayMillis) * 1_000_000L;
    if (stage.sleepUntil(due)) {
      // Later toxics measure from when the data "arrived" here.
      chunk.timeNanos = due;
    }
    stage.emit(chunk);
  }
}
