package dev.dsync.chaos.nemesis;

import dev.dsync.chaos.cluster.Cluster;
import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.model.Toxic;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The nemesis's faults on peer links: cuts, delays and slow links, each a toxic on one directed
 * link's Toxiproxy proxy, and their healing. A cut blackholes the link (the timeout toxic with
 * timeout 0: data silently dropped, as a DROP firewall rule would); healing removes the toxics and
 * cycles a cut proxy so no connection that lost bytes mid-stream is reused.
 *
 * <p>Nodes that joined at run time have no proxy of their own for their outbound peer traffic (see
 * the cluster's LinkWiring): a fault that would cut or delay such a link leaves it alone and notes
 * it as "from->to" ({@link #notCut}), for the step's event.
 */
final class LinkFaults implements LaggedIsolation.Cuts, OldTermCommit.Links {
    private final Cluster cluster;
    private final Set<Proxy> cut = new LinkedHashSet<>();
    private final List<String> notCut = new ArrayList<>();

    LinkFaults(Cluster cluster) {
        this.cluster = cluster;
    }

    /** The links the current step could not reach; cleared when a step starts. */
    List<String> notCut() {
        return List.copyOf(notCut);
    }

    void startStep() {
        notCut.clear();
    }

    /**
     * Cuts a node off from every other member. A joined node's inbound proxy is shared by all senders,
     * so here, where all of them are cut, it is cut whole; its outbound traffic has no proxy (noted).
     *
     * @return the links this cut that were not cut before
     */
    List<Proxy> isolate(String node) throws IOException {
        Set<Proxy> before = Set.copyOf(cut);
        Optional<Proxy> inbound = cluster.sharedInbound(node);
        if (inbound.isPresent()) {
            cutLink(inbound.get());
        }
        for (String other : cluster.nodeIds()) {
            if (!other.equals(node)) {
                cut(node, other);
                if (inbound.isEmpty()) {
                    cut(other, node);
                }
            }
        }
        return cut.stream().filter(p -> !before.contains(p)).toList();
    }

    void cutBothWays(String a, String b) throws IOException {
        cut(a, b);
        cut(b, a);
    }

    /** Cuts the link's proxy; one a joined node has none of its own for is noted instead. */
    @Override
    public void cut(String from, String to) throws IOException {
        if (cluster.hasLink(from, to)) {
            cutLink(cluster.link(from, to));
        } else {
            notCut.add(from + "->" + to);
        }
    }

    @Override
    public void cutLink(Proxy link) throws IOException {
        if (cut.add(link)) {
            link.toxics().timeout("cut-up", ToxicDirection.UPSTREAM, 0);
            link.toxics().timeout("cut-down", ToxicDirection.DOWNSTREAM, 0);
        }
    }

    /** Delays what {@code from} sends {@code to} by {@code ms}; a joined node's shared links are left undelayed. */
    @Override
    public void delay(String from, String to, int ms) throws IOException {
        if (cluster.hasLink(from, to)) {
            cluster.link(from, to).toxics().latency("delay", ToxicDirection.UPSTREAM, ms);
        }
    }

    /** Delays the answers {@code from} gets to its requests to {@code to}: its own messages go on time. */
    void delayAnswers(String from, String to, int ms) throws IOException {
        if (cluster.hasLink(from, to)) {
            cluster.link(from, to).toxics().latency("answers-late", ToxicDirection.DOWNSTREAM, ms);
        } else {
            notCut.add(from + "->" + to);
        }
    }

    /**
     * Adds {@code latency} ms per round trip (half each way, with jitter) to the peer links around a
     * node, or all of them: links between current members only (a removed node's proxies carry
     * nothing). A joined member's inbound proxy carries every member's traffic to it, the node's
     * around too, so it is slowed with the links around any node.
     */
    Map<String, Object> slow(String around, long latency) throws IOException {
        long jitter = latency / 2;
        List<String> members = cluster.nodeIds();
        List<Proxy> links = new ArrayList<>();
        for (Proxy p : cluster.peerLinks()) {
            String[] ends = endpoints(cluster.service(), p.getName());
            boolean shared = cluster.sharedInbound(ends[1]).map(Proxy::getName).filter(p.getName()::equals).isPresent();
            boolean live = members.contains(ends[1]) && (members.contains(ends[0]) || shared);
            if (live && (around == null || shared || ends[0].equals(around) || ends[1].equals(around))) {
                links.add(p);
            }
        }
        for (Proxy p : links) {
            p.toxics().latency("latency-up", ToxicDirection.UPSTREAM, latency / 2).setJitter(jitter / 2);
            p.toxics().latency("latency-down", ToxicDirection.DOWNSTREAM, latency / 2).setJitter(jitter / 2);
        }
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("latency_ms", latency);
        value.put("jitter_ms", jitter);
        value.put("links", links.stream().map(Proxy::getName).toList());
        return value;
    }

    /**
     * A proxy's sender and receiver, from its name {@code <service>_<from>_to_<to>} (endpoints, not a
     * substring match: lock-1 must not match lock-10's links).
     */
    static String[] endpoints(String service, String proxyName) {
        String rest = proxyName.substring(service.length() + 1);
        int at = rest.indexOf("_to_");
        return new String[] {rest.substring(0, at), rest.substring(at + "_to_".length())};
    }

    @Override
    public void heal(String from, String to) throws IOException {
        heal(cluster.link(from, to));
    }

    /**
     * Takes every toxic off the link, and cycles it if it was cut (no connection that lost bytes
     * mid-stream is reused); returns whether it had any toxic.
     */
    boolean heal(Proxy p) throws IOException {
        List<? extends Toxic> toxics = p.toxics().getAll();
        for (Toxic t : toxics) {
            try {
                t.remove();
            } catch (java.io.FileNotFoundException alreadyGone) {
                // A scripted workload took its own toxic off between the listing and this removal: healed either way.
            }
        }
        if (cut.remove(p)) {
            p.disable();
            p.enable();
        }
        return !toxics.isEmpty();
    }

    /** Heals every link of the cluster; returns the names of those that had a toxic. */
    List<String> healAll() throws IOException {
        List<String> healed = new ArrayList<>();
        for (Proxy p : cluster.allLinks()) {
            if (heal(p)) {
                healed.add(p.getName());
            }
        }
        return healed;
    }
}
