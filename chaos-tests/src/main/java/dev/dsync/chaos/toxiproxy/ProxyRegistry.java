package dev.dsync.chaos.toxiproxy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** All proxies by name, with the collection-level operations of the API (create, populate, reset). */
final class ProxyRegistry {
  /** One proxy as given to POST /proxies or POST /populate. */
  record ProxyConfig(String name, String listen, String upstream, boolean enabled) {}

  private final Map<String, ToxicProxy> proxies = new LinkedHashMap<>();

  synchronized List<ToxicProxy> all() {
    return new ArrayList<>(proxies.values());
  }

  synchronized ToxicProxy get(String name) {
    ToxicProxy proxy = proxies.get(name);
    if (proxy == null) {
      throw ApiException.proxyNotFound();
    }
    return proxy;
  }

  /** 409 when the name is taken; the proxy is only registered if it could start (when enabled). */
  synchronized ToxicProxy create(ProxyConfig config) {
    validate(config, "");
    if (proxies.containsKey(config.name())) {
      throw ApiException.proxyExists();
    }
    ToxicProxy proxy = new ToxicProxy(config.name(), config.listen(), config.upstream());
    if (config.enabled()) {
      proxy.start();
    }
    proxies.put(config.name(), proxy);
    return proxy;
  }

  /**
   * Creates or replaces several proxies. The whole request is validated before anything changes. A
   * proxy whose name exists with the same listen and upstream is kept as is (with its toxics and
   * connections); otherwise the old one is stopped and replaced.
   */
  synchronized List<ToxicProxy> populate(List<ProxyConfig> configs) {
    Set<String> names = new HashSet<>();
    List<ToxicProxy> fresh = new ArrayList<>();
    for (int i = 0; i < configs.size(); i++) {
      ProxyConfig config = configs.get(i);
      validate(config, " at proxy " + (i + 1));
      if (!names.add(config.name())) {
        throw ApiException.badRequest("duplicate proxy name " + config.name());
      }
      fresh.add(new ToxicProxy(config.name(), config.listen(), config.upstream()));
    }
    List<ToxicProxy> result = new ArrayList<>();
    for (int i = 0; i < fresh.size(); i++) {
      ToxicProxy candidate = fresh.get(i);
      ToxicProxy existing = proxies.get(candidate.name());
      if (existing != null
          && existing.listen().equals(candidate.listen())
          && existing.upstream().equals(candidate.upstream())) {
        result.add(existing);
        continue;
      }
      if (existing != null) {
        existing.stop();
        proxies.remove(existing.name());
      }
      if (configs.get(i).enabled()) {
        candidate.start();
      }
      proxies.put(candidate.name(), candidate);
      result.add(candidate);
    }
    return result;
  }

  synchronized void delete(String name) {
    get(name).stop();
    proxies.remove(name);
  }

  /** POST /reset: every proxy enabled again and stripped of its toxics. */
  synchronized void reset() {
    for (ToxicProxy proxy : proxies.values()) {
      proxy.start();
      proxy.removeAllToxics();
    }
  }

  synchronized void closeAll() {
    for (ToxicProxy proxy : proxies.values()) {
      proxy.stop();
    }
    proxies.clear();
  }

  private static void validate(ProxyConfig config, String where) {
    if (config.name() == null || config.name().isEmpty()) {
      throw ApiException.missingField("name" + where);
    }
    if (config.upstream() == null || config.upstream().isEmpty()) {
      throw ApiException.missingField("upstream" + where);
    }
  }
}
