package dev.dsync.chaos.toxiproxy;

import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The toxics the embedded server implements, with Toxiproxy's wire names and attribute names. Every
 * attribute is an integer defaulting to 0, as in Toxiproxy, and every response lists all of them
 * (toxiproxy-java reads each one back and fails on a missing attribute).
 */
enum ToxicType {
  /** latency, jitter: milliseconds. */
  LATENCY(List.of("latency", "jitter"), LatencyToxic::new),
  /** rate: KB/s (1 KB = 1000 bytes, as in Toxiproxy). */
  BANDWIDTH(List.of("rate"), BandwidthToxic::new),
  /** delay: milliseconds. */
  SLOW_CLOSE(List.of("delay"), SlowCloseToxic::new),
  /** timeout: milliseconds; 0 = never close. */
  TIMEOUT(List.of("timeout"), TimeoutToxic::new),
  /** timeout: milliseconds. */
  RESET_PEER(List.of("timeout"), ResetPeerToxic::new),
  /** average_size, size_variation: bytes; delay: microseconds. */
  SLICER(List.of("average_size", "size_variation", "delay"), SlicerToxic::new),
  /** bytes. */
  LIMIT_DATA(List.of("bytes"), LimitDataToxic::new);

  private final List<String> attributeNames;
  private final Supplier<ToxicBehaviour> behaviourFactory;

  ToxicType(List<String> attributeNames, Supplier<ToxicBehaviour> behaviourFactory) {
    this.attributeNames = attributeNames;
    this.behaviourFactory = behaviourFactory;
  }

  String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  List<String> attributeNames() {
    return attributeNames;
  }

  /** Fresh per-connection state for one link running this toxic. */
  ToxicBehaviour newBehaviour() {
    return behaviourFactory.get();
  }

  /** Returns null for unknown names (the API answers 400 "invalid toxic type"). */
  static ToxicType fromWire(String value) {
    if (value == null) {
      return null;
    }
    for (ToxicType type : values()) {
      if (type.wireName().equals(value)) {
        return type;
      }
    }
    return null;
  }
}
