package dev.dsync.chaos.cluster;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Creates and indexes the proxies of one cluster, named {@code <service>_<from>_to_<to>} (e.g.
 * {@code lock_lock-1_to_lock-2}, {@code lock_client_to_lock-3}): names travel in REST paths.
 *
 * <p>A node that joins at run time gets two proxies: its client link and one inbound peer link,
 * {@code <service>_peers_to_<id>}, through which every member reaches it (its advertised URL).
 * It cannot have one proxy per directed link: the founders' {@code --peers} are fixed at their
 * launch, so they reach a newcomer at the one address the configuration records for it, and the
 * newcomer (started with {@code --join}, which excludes {@code --peers}) reaches the others at the
 * addresses the configuration records for them, which are the first leader's own view. So a joined
 * node's outbound traffic has no proxy of its own, and its inbound proxy is shared by every sender:
 * neither is a link of one pair ({@link #has} says no), and only isolating the node as a whole can
 * use the inbound one ({@link #sharedInbound}).
 */
final class LinkWiring {
    static final String CLIENT = "client";
    /** The sender side of a joined node's one inbound peer proxy. */
    static final String PEERS = "peers";

    private final Map<String, Proxy> byName = new LinkedHashMap<>();
    private final Set<String> joined = new LinkedHashSet<>();
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

    /** The client proxy and the shared inbound peer proxy of a node that joins at run time. */
    synchronized void createJoined(ToxiproxyClient toxiproxy, String id, String upstream,
                                   java.util.function.Function<String, String> listenFor) throws IOException {
        add(toxiproxy, CLIENT, id, upstream, listenFor);
        add(toxiproxy, PEERS, id, upstream, listenFor);
        joined.add(id);
    }

    private synchronized void add(ToxiproxyClient toxiproxy, String from, String to, String upstream,
                                  java.util.function.Function<String, String> listenFor) throws IOException {
        String name = name(service, from, to);
        Proxy existing = toxiproxy.getProxyOrNull(name);
        if (existing != null) {
            existing.delete();
        }
        byName.put(name, toxiproxy.createProxy(name, listenFor.apply(name), upstream));
    }

    /**
     * Whether {@code from -> to} has a proxy of its own: between founders, and from the client side;
     * not to or from a node that joined at run time (see above).
     */
    synchronized boolean has(String from, String to) {
        boolean peerOfJoined = !from.equals(CLIENT) && !from.equals(PEERS) && (joined.contains(from) || joined.contains(to));
        return !peerOfJoined && byName.containsKey(name(service, from, to));
    }

    /** The proxy of {@code from -> to} ({@link #has}), or a joined node's shared inbound one as {@code PEERS -> id}. */
    synchronized Proxy get(String from, String to) {
        if (!from.equals(PEERS) && !has(from, to)) {
            throw new IllegalArgumentException("no proxy of its own for " + from + "->" + to + " in the " + service
                    + " cluster" + (joined.contains(from) || joined.contains(to)
                    ? ": a node that joined at run time sends to the configuration's addresses and is reached through one"
                    + " inbound proxy shared by every sender" : ""));
        }
        Proxy p = byName.get(name(service, from, to));
        if (p == null) {
            throw new IllegalArgumentException("no link " + from + "->" + to + " in the " + service + " cluster");
        }
        return p;
    }

    /** A joined node's inbound peer proxy, which every member sends through; empty for a founder. */
    synchronized java.util.Optional<Proxy> sharedInbound(String id) {
        return joined.contains(id) ? java.util.Optional.of(byName.get(name(service, PEERS, id))) : java.util.Optional.empty();
    }

    /** The port a proxy listens on, from its "host:port" listen address. */
    static int port(Proxy p) {
        String listen = p.getListen();
        return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
    }

    synchronized List<Proxy> peerLinks() {
        List<Proxy> peers = new ArrayList<>();
        byName.forEach((name, p) -> {
            if (!name.startsWith(name(service, CLIENT, ""))) {
                peers.add(p);
            }
        });
        return peers;
    }

    synchronized List<Proxy> all() {
        return new ArrayList<>(byName.values());
    }

    synchronized void deleteAll() {
        for (Proxy p : byName.values()) {
            try {
                p.delete();
            } catch (IOException e) {
                // the Toxiproxy server may already be gone; nothing left to clean
            }
        }
        byName.clear();
        joined.clear();
    }
}
