package dev.dsync.chaos.cluster;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates and indexes the proxies of one cluster, named {@code <service>_<from>_to_<to>} (e.g.
 * {@code lock_lock-1_to_lock-2}, {@code lock_client_to_lock-3}): names travel in REST paths.
 */
final class LinkWiring {
    static final String CLIENT = "client";

    private final Map<String, Proxy> byName = new LinkedHashMap<>();
    private final String service;

    LinkWiring(String service) {
        this.service = service;
    }

    static String name(String service, String from, String to) {
        return service + "_" + from + "_to_" + to;
    }

    /** Creates every proxy; {@code upstreamOf} maps a node id to the address its proxies forward to. */
    void create(ToxiproxyClient toxiproxy, List<String> ids, java.util.function.Function<String, String> upstreamOf,
                java.util.function.Function<String, String> listenFor) throws IOException {
        for (String to : ids) {
            for (String from : ids) {
                if (!from.equals(to)) {
                    add(toxiproxy, from, to, upstreamOf.apply(to), listenFor);
                }
            }
            add(toxiproxy, CLIENT, to, upstreamOf.apply(to), listenFor);
        }
    }

    private void add(ToxiproxyClient toxiproxy, String from, String to, String upstream,
                     java.util.function.Function<String, String> listenFor) throws IOException {
        String name = name(service, from, to);
        Proxy existing = toxiproxy.getProxyOrNull(name);
        if (existing != null) {
            existing.delete();
        }
        byName.put(name, toxiproxy.createProxy(name, listenFor.apply(name), upstream));
    }

    Proxy get(String from, String to) {
        Proxy p = byName.get(name(service, from, to));
        if (p == null) {
            throw new IllegalArgumentException("no link " + from + "->" + to + " in the " + service + " cluster");
        }
        return p;
    }

    /** The port a proxy listens on, from its "host:port" listen address. */
    static int port(Proxy p) {
        String listen = p.getListen();
        return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
    }

    List<Proxy> peerLinks() {
        List<Proxy> peers = new ArrayList<>();
        byName.forEach((name, p) -> {
            if (!name.startsWith(name(service, CLIENT, ""))) {
                peers.add(p);
            }
        });
        return peers;
    }

    List<Proxy> all() {
        return new ArrayList<>(byName.values());
    }

    void deleteAll() {
        for (Proxy p : byName.values()) {
            try {
                p.delete();
            } catch (IOException e) {
                // the Toxiproxy server may already be gone; nothing left to clean
            }
        }
        byName.clear();
    }
}
