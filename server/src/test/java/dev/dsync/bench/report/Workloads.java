package dev.dsync.bench.report;

import dev.dsync.bench.report.LoadRunner.Op;
import dev.dsync.bench.report.LoadRunner.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** The operations the report measures, each against a running cluster of its service. */
final class Workloads {
    /** Hot keys of the cache-get workload, each held by every node. */
    static final int HOT_KEYS = 64;
    static final int PUT_KEYS_PER_CLIENT = 32;
    static final int QUEUE_KEYS = 1_000;

    record Workload(String id, String service, String label, String operation, boolean countHits) {
    }

    static final Workload LOCK = new Workload("lock", "lock", "lock acquire+release",
            "one operation is a client's exclusive acquire then release of its own key (two committed writes), at the leader", false);
    static final Workload ENQUEUE = new Workload("enqueue", "queue", "queue enqueue",
            "an enqueue (one committed, durable write) over 1,000 message keys, at the leader", false);
    static final Workload CACHE_PUT = new Workload("cache-put", "cache", "cache put",
            "a put of one of the client's own 32 keys at node (client mod nodes), which is the key's only holder", false);
    static final Workload CACHE_GET = new Workload("cache-get", "cache", "cache get (hit)",
            "a get of one of 64 keys held by every node, at node (client mod nodes): served from that node's own copy", true);
    static final List<Workload> ALL = List.of(LOCK, ENQUEUE, CACHE_PUT, CACHE_GET);

    private final Http http = new Http();
    private final AtomicLong sequence = new AtomicLong();

    /** The operation for {@code w} against {@code cluster}, whose leader is {@code leader}; sets up its keys first. */
    Op prepare(Workload w, NodeCluster cluster, String leader) throws Exception {
        int leaderPort = cluster.port(leader);
        List<Integer> ports = cluster.ports();
        return switch (w.id()) {
            case "lock" -> (c, seq) -> {
                Http.Answer a = http.post(leaderPort, "/lock/acquire",
                        "{\"key\":\"bench-" + c + "\",\"mode\":\"X\",\"client_id\":\"bench-" + c + "\"}");
                if (!a.ok()) {
                    return Outcome.of(a, "acquire");
                }
                return Outcome.of(http.post(leaderPort, "/lock/release", "{\"key\":\"bench-" + c + "\",\"client_id\":\"bench-" + c + "\"}"),
                        "release");
            };
            case "enqueue" -> (c, seq) -> {
                long n = sequence.incrementAndGet();
                return Outcome.of(http.post(leaderPort, "/queue/enq",
                        "{\"queue\":\"bench\",\"key\":\"k" + (n % QUEUE_KEYS) + "\",\"value\":" + n + "}"), "enq");
            };
            case "cache-put" -> (c, seq) -> Outcome.of(http.post(ports.get(c % ports.size()), "/cache/put",
                    "{\"key\":\"put-" + c + "-" + (seq % PUT_KEYS_PER_CLIENT) + "\",\"val\":" + seq + "}"), "put");
            case "cache-get" -> {
                holdEverywhere(ports);
                yield (c, seq) -> {
                    Http.Answer a = http.post(ports.get(c % ports.size()), "/cache/get",
                            "{\"key\":\"hot-" + ((c * 7 + seq) % HOT_KEYS) + "\"}");
                    return !a.ok() ? Outcome.of(a, "get") : a.body().contains("\"hit\":true") ? Outcome.HIT : Outcome.OK;
                };
            }
            default -> throw new IllegalArgumentException("unknown workload " + w.id());
        };
    }

    /** Puts every hot key at one node and gets it at every node, so each node holds a copy. */
    private void holdEverywhere(List<Integer> ports) throws Exception {
        for (int k = 0; k < HOT_KEYS; k++) {
            expectOk(http.post(ports.get(k % ports.size()), "/cache/put", "{\"key\":\"hot-" + k + "\",\"val\":" + k + "}"), "put hot-" + k);
            for (int port : ports) {
                expectOk(http.post(port, "/cache/get", "{\"key\":\"hot-" + k + "\"}"), "get hot-" + k);
            }
        }
        Thread.sleep(300); // a read-lease renewal or two, after which the copies are served
    }

    /** One write of {@code service} at {@code port}, each to a key never written before; for readiness and failover. */
    Http.Answer probeWrite(String service, int port, Duration timeout) throws Exception {
        long n = sequence.incrementAndGet();
        return switch (service) {
            case "lock" -> http.post(port, "/lock/acquire",
                    "{\"key\":\"probe-" + n + "\",\"mode\":\"X\",\"client_id\":\"probe\",\"ttl_ms\":2000}", timeout);
            case "queue" -> http.post(port, "/queue/enq", "{\"queue\":\"probe\",\"key\":\"p" + n + "\",\"value\":" + n + "}", timeout);
            case "cache" -> http.post(port, "/cache/put", "{\"key\":\"probe-" + n + "\",\"val\":" + n + "}", timeout);
            default -> throw new IllegalArgumentException("unknown service " + service);
        };
    }

    /** The number of messages waiting in the bench queue (a linearizable read at {@code port}). */
    long queueDepth(int port) throws Exception {
        Http.Answer a = http.get(port, "/queue/stats?queue=bench");
        expectOk(a, "queue stats");
        return ReportFiles.JSON.readTree(a.body()).path("depth").asLong();
    }

    /** Waits until a write at {@code port} succeeds (a new cache leader, for one, refuses writes for a lease bound). */
    void awaitWritable(String service, int port, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            Http.Answer a = probeWrite(service, port, Duration.ofSeconds(2));
            if (a.ok()) {
                return;
            }
            last = a.status() + " " + a.body();
            Thread.sleep(50);
        }
        throw new IllegalStateException(service + " accepted no write at port " + port + " within " + timeout + "; last answer " + last);
    }

    private static void expectOk(Http.Answer a, String what) {
        if (!a.ok()) {
            throw new IllegalStateException(what + " answered " + a.status() + ": " + a.body());
        }
    }
}
