package dev.dsync.node;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything one node process needs, from command-line flags or, for each flag not given, the
 * environment variable named beside it in {@link Setting}.
 */
public record NodeConfig(
        String service,
        String nodeId,
        String bindHost,
        int port,
        Map<String, URI> peers,
        Path dataDir,
        String clusterToken,
        int tickMs,
        int electionTicks,
        int heartbeatTicks,
        int requestTimeoutMs,
        int snapshotEvery,
        int cacheCapacity,
        int segmentBytes) {

    public static final List<String> SERVICES = List.of("lock", "queue", "cache");

    /** The settings a node understands: flag name, environment variable, default (null = required). */
    public enum Setting {
        SERVICE("service", "SERVICE", null, "lock, queue or cache"),
        ID("id", "NODE_ID", null, "this node's id; must be one of --peers"),
        BIND_HOST("bind", "BIND_HOST", "127.0.0.1", "address the HTTP server listens on"),
        PORT("port", "PORT", null, "HTTP port for clients and peers"),
        PEERS("peers", "PEERS", null, "every member as id=url, comma separated, this node included"),
        DATA_DIR("data-dir", "DATA_DIR", null, "directory for the write-ahead log and snapshots"),
        CLUSTER_TOKEN("cluster-token", "CLUSTER_TOKEN", "", "shared secret peers must present (empty: none)"),
        TICK_MS("tick-ms", "TICK_MS", "25", "length of one Raft tick"),
        ELECTION_TICKS("election-ticks", "ELECTION_TICKS", "12", "election timeout in ticks (randomized up to 2x)"),
        HEARTBEAT_TICKS("heartbeat-ticks", "HEARTBEAT_TICKS", "4", "leader heartbeat interval in ticks"),
        REQUEST_TIMEOUT_MS("request-timeout-ms", "REQUEST_TIMEOUT_MS", "5000", "how long a client request waits for commit before 504"),
        SNAPSHOT_EVERY("snapshot-every", "SNAPSHOT_EVERY", "10000", "take a snapshot and compact the log every N applied entries"),
        CACHE_CAPACITY("cache-capacity", "CACHE_CAPACITY", "10000", "cache service: lines each node keeps (LRU)"),
        SEGMENT_BYTES("segment-bytes", "SEGMENT_BYTES", "67108864", "the log starts a new segment file once the current one holds this many bytes");

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
        Map<String, URI> peers = parsePeers(lookup.apply(Setting.PEERS));
        if (!peers.containsKey(id)) {
            throw new ConfigException("--id " + id + " is not among --peers " + peers.keySet());
        }
        int electionTicks = intSetting(lookup, Setting.ELECTION_TICKS, 2);
        int heartbeatTicks = intSetting(lookup, Setting.HEARTBEAT_TICKS, 1);
        if (heartbeatTicks >= electionTicks) {
            throw new ConfigException("--heartbeat-ticks must be below --election-ticks");
        }
        return new NodeConfig(service, id, lookup.apply(Setting.BIND_HOST), port(lookup), peers,
                Path.of(lookup.apply(Setting.DATA_DIR)), lookup.apply(Setting.CLUSTER_TOKEN),
                intSetting(lookup, Setting.TICK_MS, 1), electionTicks, heartbeatTicks,
                intSetting(lookup, Setting.REQUEST_TIMEOUT_MS, 1), intSetting(lookup, Setting.SNAPSHOT_EVERY, 1),
                intSetting(lookup, Setting.CACHE_CAPACITY, 1), intSetting(lookup, Setting.SEGMENT_BYTES, 4096));
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
                + "--peers lock-1=http://127.0.0.1:8000,lock-2=...,lock-3=... --data-dir DIR\n\n");
        for (Setting s : Setting.values()) {
            sb.append(String.format("  --%-20s %-20s %s%s%n", s.flag, s.env, s.help,
                    s.defaultValue == null ? " (required)" : s.defaultValue.isEmpty() ? "" : " (default " + s.defaultValue + ")"));
        }
        return sb.toString();
    }
}
