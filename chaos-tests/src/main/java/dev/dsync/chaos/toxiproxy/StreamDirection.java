package dev.dsync.chaos.toxiproxy;

import java.util.Locale;

/**
 * Which half of a proxied TCP connection a toxic acts on, using Toxiproxy's names:
 * {@code upstream} is client to server, {@code downstream} is server to client.
 */
public enum StreamDirection {
  UPSTREAM,
  DOWNSTREAM;

  /** The lower-case name used on the wire ("upstream" / "downstream"). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire name; returns null when it is neither direction. */
  static StreamDirection fromWire(String value) {
    if (value == null) {
      return null;
    }
    for (StreamDirection direction : values()) {
      if (direction.wireName().equals(value.toLowerCase(Locale.ROOT))) {
        return direction;
      }
    }
    return null;
  }
}
