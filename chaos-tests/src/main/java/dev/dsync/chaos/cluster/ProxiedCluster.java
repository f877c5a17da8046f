package dev.dsync.chaos.cluster;

import eu.rekawek.toxiproxy.Proxy;
import java.util.List;

/** What every backend shares: three nodes of one service, and the proxies of their links. */
abstract class ProxiedCluster implements Cluster {
    protected final String service;
    protected final List<String> ids;
    protected final LinkWiring links;

    ProxiedCluster(String service) {
        this.service = service;
        this.ids = List.of(service + "-1", service + "-2", service + "-3");
        this.links = new LinkWiring(service);
    }

    @Override
    public String service() {
        return service;
    }

    @Override
    public List<String> nodeIds() {
        return ids;
    }

    @Override
    public Proxy link(String from, String to) {
        return links.get(from, to);
    }

    @Override
    public List<Proxy> peerLinks() {
        return links.peerLinks();
    }

    @Override
    public List<Proxy> allLinks() {
        return links.all();
    }
}
