package dev.dsync.chaos.cluster;

import eu.rekawek.toxiproxy.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What every backend shares: three founding nodes of one service, the nodes that joined at run time,
 * the members as the bench last saw the configuration, and the proxies of their links.
 */
abstract class ProxiedCluster implements Cluster {
    protected final String service;
    /** The founding members, started with {@code --peers}. */
    protected final List<String> ids;
    /** Nodes started at run time with {@code --join}, in start order (members or not any more). */
    protected final List<String> joined = new CopyOnWriteArrayList<>();
    protected final LinkWiring links;
    /** Clients and the nemesis read this on every pick, so they follow membership changes. */
    private volatile List<String> members;

    ProxiedCluster(String service) {
        this.service = service;
        this.ids = List.of(service + "-1", service + "-2", service + "-3");
        this.members = ids;
        this.links = new LinkWiring(service);
    }

    @Override
    public String service() {
        return service;
    }

    @Override
    public List<String> nodeIds() {
        return members;
    }

    @Override
    public void useMembers(List<String> current) {
        for (String id : current) {
            if (!ids.contains(id) && !joined.contains(id)) {
                throw new IllegalArgumentException(id + " is no node of this cluster: " + allNodeIds());
            }
        }
        members = List.copyOf(current);
    }

    @Override
    public List<String> allNodeIds() {
        List<String> all = new ArrayList<>(ids);
        all.addAll(joined);
        return all;
    }

    /** The next id after every node started so far: lock-4, lock-5, ... (a removed id is never reused). */
    protected String nextJoinedId() {
        return service + "-" + (ids.size() + joined.size() + 1);
    }

    @Override
    public Proxy link(String from, String to) {
        return links.get(from, to);
    }

    @Override
    public boolean hasLink(String from, String to) {
        return links.has(from, to);
    }

    @Override
    public java.util.Optional<Proxy> sharedInbound(String nodeId) {
        return links.sharedInbound(nodeId);
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
