package dev.dsync.chaos.toxiproxy;

import java.util.Arrays;

/**
 * A piece of one direction's byte stream on its way through the toxic chain. {@code timeNanos}
 * starts as the moment the bytes were read from the source; time-shifting toxics (latency) move it
 * forward so that later toxics measure from when the data "really" arrived, as Toxiproxy does.
 */
final class Chunk {
  /** Marks the end of the source stream in a {@link LinkInbox}. */
  static final Chunk END = new Chunk(new byte[0], 0);

  final byte[] data;
  long timeNanos;

  Chunk(byte[] data, long timeNanos) {
    this.data = data;
    this.timeNanos = timeNanos;
  }

  int length() {
    return data.length;
  }

  /** Bytes [from, to) as a chunk with the same time; this chunk itself when that is all of it. */
  Chunk slice(int from, int to) {
    if (from == 0 && to == data.length) {
      return this;
    }
    return new Chunk(Arrays.copyOfRange(data, from, to), timeNanos);
  }
}
