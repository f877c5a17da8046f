package dev.dsync.chaos.toxiproxy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One toxic as configured through the API. Immutable: an update replaces the instance but keeps
 * {@code id}, so links can tell "updated" (same id) from "removed and re-added" (new id).
 *
 * @param toxicity probability in [0, 1] that the toxic acts on a given connection (rolled per
 *     connection when the toxic starts on it and again whenever it is updated)
 * @param attributes every attribute of {@code type}, in declaration order
 */
record ToxicSpec(
    long id,
    String name,
    ToxicType type,
    StreamDirection stream,
    float toxicity,
    Map<String, Long> attributes) {

  ToxicSpec {
    attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
  }

  long attribute(String attributeName) {
    Long value = attributes.get(attributeName);
    return value == null ? 0 : value;
  }

  /** The same toxic (same id) with new toxicity and attributes. */
  ToxicSpec updated(float newToxicity, Map<String, Long> newAttributes) {
    return new ToxicSpec(id, name, type, stream, newToxicity, newAttributes);
  }
}
