package dev.dsync.transport;

import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each member is reached: id -> base URL, for the peer transport, the peer stream receiver
 * and the forwarding of requests to the leader. Thread-safe: the Raft loop publishes the
 * configuration's addresses, receiver threads record what peers declare, and any thread reads.
 *
 * <p>An address comes from the first of three sources that has one:
 * <ol>
 *   <li>this node's own {@code --peers}: the operator's view from this host, which may differ from
 *       the configuration's (the chaos bench routes every directed link through its own proxy);</li>
 *   <li>the configuration in force, and those it replaced that are not yet known to be committed
 *       (a leader still sends to a node it is removing until the removal commits);</li>
 *   <li>what a peer declared when it opened a stream to this node ({@link PeerTransport#FROM_URL_HEADER}):
 *       how a joining node, which knows no configuration yet, answers a leader it never heard of.</li>
 * </ol>
 * An id is known while the configuration names it or a peer declared it; {@code --peers} only
 * supplies addresses, so a removed member is forgotten (and its link closed) even if it is listed there.
 */
public final class MemberDirectory {
    /** The configurations' ids, and the addresses they give (an id without one is still known). */
    private record Published(Set<String> ids, Map<String, URI> urls) {}

    private final Map<String, URI> fixed;
    private volatile Published configured = new Published(Set.of(), Map.of());
    private final Map<String, URI> learned = new ConcurrentHashMap<>();

    public MemberDirectory(Map<String, URI> fixed) {
        this.fixed = Map.copyOf(fixed);
    }

    /** A directory of a fixed member list (tests, and tools that know every peer in advance). */
    public static MemberDirectory fixed(Map<String, URI> members) {
        MemberDirectory d = new MemberDirectory(members);
        Map<String, String> addresses = new HashMap<>();
        members.forEach((id, url) -> addresses.put(id, url.toString()));
        d.publish(addresses);
        return d;
    }

    /** Where {@code id} is reached, or null if it is not known (or known without any address yet). */
    public URI address(String id) {
        Published c = configured;
        URI declared = learned.get(id);
        if (!c.ids().contains(id) && declared == null) {
            return null;
        }
        URI own = fixed.get(id);
        if (own != null) {
            return own;
        }
        URI url = c.urls().get(id);
        return url != null ? url : declared;
    }

    /** Every id with an address, sorted by id. */
    public Map<String, URI> snapshot() {
        Set<String> ids = new HashSet<>(configured.ids());
        ids.addAll(learned.keySet());
        Map<String, URI> all = new TreeMap<>();
        for (String id : ids) {
            URI url = address(id);
            if (url != null) {
                all.put(id, url);
            }
        }
        return all;
    }

    /**
     * The Raft loop's view: every id the configurations name, with the address they give (blank
     * where they give none). An id that leaves them is forgotten, what it declared included.
     */
    public void publish(Map<String, String> addresses) {
        Map<String, URI> urls = new HashMap<>();
        addresses.forEach((id, raw) -> {
            URI url = parse(raw);
            if (url != null) {
                urls.put(id, url);
            }
        });
        for (String id : configured.ids()) {
            if (!addresses.containsKey(id)) {
                learned.remove(id);
            }
        }
        configured = new Published(Set.copyOf(addresses.keySet()), Map.copyOf(urls));
    }

    /** A peer opened a stream declaring where it is reached; ignored when the declaration is no URL. */
    public void learn(String id, String declaredUrl) {
        URI url = parse(declaredUrl);
        if (url != null) {
            learned.put(id, url);
        }
    }

    /**
     * An absolute http URL with a host and no path, trailing slashes dropped; null for anything
     * else. Peers speak plain HTTP to each other (PeerLink writes to a socket), so https is no
     * address, and every endpoint is at the root, so a path would be ignored.
     */
    public static URI parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            URI url = URI.create(raw.trim().replaceAll("/+$", ""));
            boolean noPath = url.getRawPath() == null || url.getRawPath().isEmpty();
            return "http".equals(url.getScheme()) && url.getHost() != null && noPath && url.getRawQuery() == null
                    && url.getRawFragment() == null && url.getRawUserInfo() == null ? url : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
