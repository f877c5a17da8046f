package dev.dsync.chaos.toxiproxy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A proxy's toxics: one ordered chain per direction, new toxics appended at the end (Toxiproxy's
 * order). Names are unique across both directions. Writers synchronise; links read the immutable
 * per-direction snapshots without locking.
 */
final class ToxicCollection {
  private volatile List<ToxicSpec> upstream = List.of();
  private volatile List<ToxicSpec> downstream = List.of();
  private long nextId = 1;

  List<ToxicSpec> snapshot(StreamDirection direction) {
    return direction == StreamDirection.UPSTREAM ? upstream : downstream;
  }

  /** True while {@code spec} (this very version) is still in the chain. */
  boolean isCurrent(StreamDirection direction, ToxicSpec spec) {
    for (ToxicSpec candidate : snapshot(direction)) {
      if (candidate == spec) {
        return true;
      }
    }
    return false;
  }

  /** Upstream toxics first, then downstream, each in chain order (as Toxiproxy lists them). */
  List<ToxicSpec> all() {
    List<ToxicSpec> all = new ArrayList<>(upstream);
    all.addAll(downstream);
    return all;
  }

  synchronized ToxicSpec find(String name) {
    for (ToxicSpec spec : all()) {
      if (spec.name().equals(name)) {
        return spec;
      }
    }
    return null;
  }

  synchronized ToxicSpec add(
      String name,
      ToxicType type,
      StreamDirection stream,
      float toxicity,
      Map<String, Long> attributes) {
    if (find(name) != null) {
      throw ApiException.toxicExists();
    }
    Map<String, Long> complete = new LinkedHashMap<>();
    for (String attribute : type.attributeNames()) {
      complete.put(attribute, attributes.getOrDefault(attribute, 0L));
    }
    ToxicSpec spec = new ToxicSpec(nextId++, name, type, stream, toxicity, complete);
    List<ToxicSpec> chain = new ArrayList<>(snapshot(stream));
    chain.add(spec);
    publish(stream, chain);
    return spec;
  }

  /** Merges the given attributes (and toxicity, if not null) into an existing toxic. */
  synchronized ToxicSpec update(String name, Float toxicity, Map<String, Long> attributes) {
    ToxicSpec old = find(name);
    if (old == null) {
      throw ApiException.toxicNotFound();
    }
    Map<String, Long> merged = new LinkedHashMap<>(old.attributes());
    attributes.forEach((key, value) -> merged.computeIfPresent(key, (k, v) -> value));
    ToxicSpec updated = old.updated(toxicity == null ? old.toxicity() : toxicity, merged);
    List<ToxicSpec> chain = new ArrayList<>(snapshot(old.stream()));
    chain.set(chain.indexOf(old), updated);
    publish(old.stream(), chain);
    return updated;
  }

  synchronized void remove(String name) {
    ToxicSpec old = find(name);
    if (old == null) {
      throw ApiException.toxicNotFound();
    }
    List<ToxicSpec> chain = new ArrayList<>(snapshot(old.stream()));
    chain.remove(old);
    publish(old.stream(), chain);
  }

  synchronized void clear() {
    upstream = List.of();
    downstream = List.of();
  }

  private void publish(StreamDirection direction, List<ToxicSpec> chain) {
    if (direction == StreamDirection.UPSTREAM) {
      upstream = List.copyOf(chain);
    } else {
      downstream = List.copyOf(chain);
    }
  }
}
