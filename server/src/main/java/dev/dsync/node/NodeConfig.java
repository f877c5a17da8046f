package dev.dsync.node;

import dev.dsync.transport.MemberDirectory;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Everything one node process needs, from command-line flags or, for each flag not given, the
 * environment variable named beside it in {@link Setting}.
 *
 * <p>A node either founds a cluster with a fixed first member list ({@code --peers}, the same on
 * every founding member) or joins a running one ({@code --join}, the URL of any member): then
 * {@link #peers} is empty and {@link #joinUrl} is set.
 */
public record NodeConfig(
        String service,
        String nodeId,
        String bindHost,
        int port,
        Map<String, URI> peers,
        URI joinUrl,
        URI advertiseUrl,
        String adminToken,
        Path dataDir,
        String clusterToken,
        int tickMs,
        int electionTicks,
        int heartbeatTicks,
        int requestTimeoutMs,
        int snapshotEvery,
        int cacheCapacity,
        int queueMaxBytes,
        int segmentBytes,
        boolean fsync,
        boolean warmUp) {

    public static final List<String> SERVICES = List.of("lock", "queue", "cache");
    /** What a node id may be: it appears in URLs (DELETE /cluster/members/{id}), headers and logs. */
    public static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** The settings a node understands: flag name, environment variable, default (null = required). */
    public enum Setting {
        SERVICE("service", "SERVICE", null, "lock, queue or cache"),
        ID("id", "NODE_ID", null, "this node's id (A-Z a-z 0-9 . _ -, at most 64); one of --peers unless it joins"),
        BIND_HOST("bind", "BIND_HOST", "127.0.0.1", "address the HTTP server listens on"),
        PORT("port", "PORT", null, "HTTP port for clients and peers"),
        PEERS("peers", "PEERS", "", "every first member as id=url, comma separated, this node included (or --join)"),
        JOIN("join", "JOIN_URL", "", "URL of any member of a running cluster to join, instead of --peers"),
        ADVERTISE_URL("advertise-url", "ADVERTISE_URL", "", "URL peers reach this node at (default: its --peers entry, else http://<bind>:<port>)"),
        ADMIN_TOKEN("admin-token", "ADMIN_TOKEN", "", "secret that membership changes must present as 'Authorization: Bearer <token>' (empty: changes disabled)"),
        DATA_DIR("data-dir", "DATA_DIR", null, "directory for the write-ahead log and snapshots"),
        CLUSTER_TOKEN("cluster-token", "CLUSTER_TOKEN", "", "shared secret peers must present (empty: none)"),
        TICK_MS("tick-ms", "TICK_MS", "25", "length of one Raft tick"),
        ELECTION_TICKS("election-ticks", "ELECTION_TICKS", "12", "election timeout in ticks (randomized up to 2x)"),
        HEARTBEAT_TICKS("heartbeat-ticks", "HEARTBEAT_TICKS", "4", "leader heartbeat interval in ticks"),
        REQUEST_TIMEOUT_MS("request-timeout-ms", "REQUEST_TIMEOUT_MS", "5000", "how long a client request waits for commit before 504"),
        SNAPSHOT_EVERY("snapshot-every", "SNAPSHOT_EVERY", "10000", "snapshot and compact the log after N applied entries, once the log since the last snapshot is as large as it"),
        CACHE_CAPACITY("cache-capacity", "CACHE_CAPACITY", "10000", "cache service: lines each node keeps (LRU)"),
        QUEUE_MAX_BYTES("queue-max-bytes", "QUEUE_MAX_BYTES", "0", "queue service: enqueues get 503 once the unacknowledged "
                + "messages' estimated size (key, value JSON and 256 bytes each) would pass this; 0: a sixteenth of the JVM's heap"),
        SEGMENT_BYTES("segment-bytes", "SEGMENT_BYTES", "67108864", "the log starts a new segment file once the current one holds this many bytes"),
        FSYNC("fsync", "FSYNC", "true", "true or false; false skips the fsync of every log append, so an acknowledged write "
                + "can be lost when the machine (not just the process) crashes: for measuring what fsync costs, never for data you keep"),
        WARM_UP("warm-up", "WARM_UP", "true", "true or false; true: before it listens, the node runs a throwaway cluster of its service "
                + "in its own JVM for some seconds, so the JIT has compiled its paths before the first client (false: listen at once)");

        public final String flag;
        public final String env;
        public final String defaultValue;
        public final String help;

        Setting(String flag, String env, String defaultValue, String help) {
            this.flag = flag;
            this.env = env;
            this.defaultValue = defaultValue;
            this.help = help;
        }
    }

    /** Thrown for a bad command line or environment; the message says which setting and why. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }
    }

    public static NodeConfig parse(String[] args, Function<String, String> environment) {
        Map<Setting, String> given = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new ConfigException("unexpected argument '" + arg + "'; flags look like --port 8000");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            }
            Setting setting = byFlag(name);
            if (value == null) {
                throw new ConfigException("flag --" + name + " needs a value");
            }
            given.put(setting, value);
        }
        Function<Setting, String> lookup = s -> {
            String v = given.get(s);
            if (v == null) {
                v = environment.apply(s.env);
            }
            if (v == null || v.isBlank()) {
                v = s.defaultValue;
            }
            if (v == null) {
                throw new ConfigException("missing --" + s.flag + " (or environment " + s.env + "): " + s.help);
            }
            return v.trim();
        };
        String service = lookup.apply(Setting.SERVICE).toLowerCase(Locale.ROOT);
        if (!SERVICES.contains(service)) {
            throw new ConfigException("--service must be one of " + SERVICES + ", not '" + service + "'");
        }
        String id = lookup.apply(Setting.ID);
        if (!NODE_ID.matcher(id).matches()) {
            throw new ConfigException("--id '" + id + "' must be 1-64 of A-Z a-z 0-9 . _ -");
        }
        String peersSpec = lookup.apply(Setting.PEERS);
        String joinSpec = lookup.apply(Setting.JOIN);
        if (!peersSpec.isEmpty() && !joinSpec.isEmpty()) {
            throw new ConfigException("give either --peers (the first members of a new cluster) or --join (a member of a "
                    + "running cluster to join), not both");
        }
        if (peersSpec.isEmpty() && joinSpec.isEmpty()) {
            throw new ConfigException("missing --peers (or environment PEERS): " + Setting.PEERS.help
                    + "; or --join (or JOIN_URL): " + Setting.JOIN.help);
        }
        Map<String, URI> peers = peersSpec.isEmpty() ? Map.of() : parsePeers(peersSpec);
        if (!peersSpec.isEmpty() && !peers.containsKey(id)) {
            throw new ConfigException("--id " + id + " is not among --peers " + peers.keySet());
        }
        URI join = joinSpec.isEmpty() ? null : url(Setting.JOIN, joinSpec);
        String bindHost = lookup.apply(Setting.BIND_HOST);
        int port = port(lookup);
        URI advertise = advertiseUrl(lookup.apply(Setting.ADVERTISE_URL), peers.get(id), bindHost, port);
        int electionTicks = intSetting(lookup, Setting.ELECTION_TICKS, 2);
        int heartbeatTicks = intSetting(lookup, Setting.HEARTBEAT_TICKS, 1);
        if (heartbeatTicks >= electionTicks) {
            throw new ConfigException("--heartbeat-ticks must be below --election-ticks");
        }
        return new NodeConfig(service, id, bindHost, port, peers, join, advertise, lookup.apply(Setting.ADMIN_TOKEN),
                Path.of(lookup.apply(Setting.DATA_DIR)), lookup.apply(Setting.CLUSTER_TOKEN),
                intSetting(lookup, Setting.TICK_MS, 1), electionTicks, heartbeatTicks,
                intSetting(lookup, Setting.REQUEST_TIMEOUT_MS, 1), intSetting(lookup, Setting.SNAPSHOT_EVERY, 1),
                intSetting(lookup, Setting.CACHE_CAPACITY, 1), intSetting(lookup, Setting.QUEUE_MAX_BYTES, 0),
                intSetting(lookup, Setting.SEGMENT_BYTES, 4096),
                booleanSetting(lookup, Setting.FSYNC), booleanSetting(lookup, Setting.WARM_UP));
    }

    private static URI url(Setting s, String raw) {
        URI url = MemberDirectory.parse(raw);
        if (url == null) {
            throw new ConfigException("--" + s.flag + " '" + raw + "' must be an http://host:port URL (no path)");
        }
        return url;
    }

    /**
     * Where peers reach this node: given, or its own --peers entry, or its bind address. A wildcard
     * bind address names no host a peer could reach, so a joining node bound to one must say.
     */
    private static URI advertiseUrl(String given, URI ownPeersEntry, String bindHost, int port) {
        if (!given.isEmpty()) {
            return url(Setting.ADVERTISE_URL, given);
        }
        if (ownPeersEntry != null) {
            return ownPeersEntry;
        }
        if (bindHost.equals("0.0.0.0") || bindHost.equals("::") || bindHost.equals("[::]")) {
            throw new ConfigException("--bind " + bindHost + " listens on every interface, so the node cannot tell "
                    + "peers where to reach it: set --advertise-url (e.g. http://host-d:8000)");
        }
        String host = bindHost.contains(":") && !bindHost.startsWith("[") ? "[" + bindHost + "]" : bindHost;
        return url(Setting.ADVERTISE_URL, "http://" + host + ":" + port);
    }

    private static Setting byFlag(String name) {
        for (Setting s : Setting.values()) {
            if (s.flag.equals(name)) {
                return s;
            }
        }
        throw new ConfigException("unknown flag --" + name + "; run with --help for the list");
    }

    private static int port(Function<Setting, String> lookup) {
        int port = intSetting(lookup, Setting.PORT, 1);
        if (port > 65535) {
            throw new ConfigException("--port must be at most 65535, not " + port);
        }
        return port;
    }

    private static int intSetting(Function<Setting, String> lookup, Setting s, int min) {
        String raw = lookup.apply(s);
        try {
            int v = Integer.parseInt(raw);
            if (v < min) {
                throw new ConfigException("--" + s.flag + " must be at least " + min + ", not " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ConfigException("--" + s.flag + " must be a whole number, not '" + raw + "'");
        }
    }

    private static boolean booleanSetting(Function<Setting, String> lookup, Setting s) {
        String raw = lookup.apply(s);
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException("--" + s.flag + " must be true or false, not '" + raw + "'");
        };
    }

    static Map<String, URI> parsePeers(String spec) {
        Map<String, URI> peers = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq <= 0 || eq == p.length() - 1) {
                throw new ConfigException("--peers entry '" + p + "' must look like lock-1=http://127.0.0.1:8000");
            }
            String id = p.substring(0, eq);
            URI uri;
            try {
                uri = URI.create(p.substring(eq + 1).replaceAll("/+$", ""));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--peers entry '" + p + "' has a malformed URL");
            }
            if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new ConfigException("--peers entry '" + p + "' needs an http://host:port URL");
            }
            if (peers.put(id, uri) != null) {
                throw new ConfigException("--peers names " + id + " twice");
            }
        }
        return peers;
    }

    public static String usage() {
        StringBuilder sb = new StringBuilder("usage: java -jar server.jar --service lock --id lock-1 --port 8000 "
                + "--peers lock-1=http://127.0.0.1:8000,lock-2=...,lock-3=... --data-dir DIR\n"
                + "   or: java -jar server.jar --service lock --id lock-4 --port 8003 --join http://127.0.0.1:8000 "
                + "--admin-token SECRET --data-dir DIR\n\n");
        for (Setting s : Setting.values()) {
            sb.append(String.format("  --%-20s %-20s %s%s%n", s.flag, s.env, s.help,
                    s.defaultValue == null ? " (required)" : s.defaultValue.isEmpty() ? "" : " (default " + s.defaultValue + ")"));
        }
        return sb.toString();
    }
}
