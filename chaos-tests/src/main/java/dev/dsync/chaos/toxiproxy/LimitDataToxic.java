package dev.dsync.chaos.toxiproxy;

import java.io.IOException;

/**
 * limit_data: lets {@code bytes} bytes through on this connection, then closes it. The count
 * survives updates of the toxic (it is per-connection state, as in Toxiproxy).
 */
final class LimitDataToxic implements ToxicBehaviour {
  private long transmitted;

  @Override
  public void onChunk(Chunk chunk, ToxicStage stage) throws IOException, InterruptedException {
    long limit = stage.spec().attribute("bytes");
    long remaining = Math.max(0, limit - transmitted);
    Chunk allowed =
        chunk.length() > remaining ? chunk.slice(0, (int) remaining) : chunk;
    if (allowed.length() > 0) {
      stage.emit(allowed);
      transmitted += allowed.length();
    }
    if (transmitted >= limit) {
      stage.endStream();
    }
  }
}
