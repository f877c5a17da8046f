package dev.dsync.chaos.toxiproxy;

import java.io.IOException;

/** slow_close: passes data untouched but holds the close back for {@code delay} ms. */
final class SlowCloseToxic implements ToxicBehaviour {
  @Override
  public void onChunk(Chunk chunk, ToxicStage stage) throws IOException, InterruptedException {
    stage.emit(chunk);
  }

  @Override
  public long closeDelayMillis(ToxicStage stage) {
    return Math.max(0, stage.spec().attribute("delay"));
  }
}
