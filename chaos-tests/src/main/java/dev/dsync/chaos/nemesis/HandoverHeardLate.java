package dev.dsync.chaos.nemesis;

import dev.dsync.chaos.cluster.Cluster;
import dev.dsync.chaos.cluster.ClusterProbe;
import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The kill shape {@code handover-heard-late} ({@link FaultKind#KILL_HANDOVER_LATE}): every link into
 * the leader delayed by {@link #LAG_MS}, then SIGTERM; the node is restarted at the heal. The node's
 * shutdown hands leadership over: the lag is below an election timeout, so it still sees its target
 * catch up and sends it TimeoutNow before the transfer gives up; the target wins at once, and the old
 * leader learns of the new term one lag later, serving clients as leader meanwhile. The link delays
 * are toxics, taken off by the nemesis's heal with all others.
 */
final class HandoverHeardLate {
    /** Under the election timeout (300 ms at the default ticks) less a round trip. */
    static final int LAG_MS = 220;
    /** A node restarted by the previous heal may still be starting: a hand-over needs every voter. */
    private static final Duration MEMBERS_WAIT = Duration.ofSeconds(20);
    private static final long STOP_LIMIT_MS = 10_000;

    private final Cluster cluster;
    private final ClusterProbe probe;

    HandoverHeardLate(Cluster cluster, ClusterProbe probe) {
        this.cluster = cluster;
        this.probe = probe;
    }

    /** Carries out the shape on {@code leader}; {@code stopped} hears of the node the heal must restart. */
    Map<String, Object> run(String leader, List<String> ids, Consumer<String> stopped) throws IOException, InterruptedException {
        Map<String, Object> value = new LinkedHashMap<>();
        long deadline = System.nanoTime() + MEMBERS_WAIT.toNanos();
        while (ids.stream().anyMatch(id -> probe.health(id).isEmpty()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        List<Proxy> inbound = cluster.inboundLinks(leader, ids);
        for (Proxy link : inbound) {
            link.toxics().latency("handover-lag", ToxicDirection.UPSTREAM, LAG_MS);
        }
        value.put("lagged", inbound.stream().map(Proxy::getName).toList());
        value.put("lag_ms", LAG_MS);
        long started = System.nanoTime();
        if (!cluster.stop(leader, STOP_LIMIT_MS)) {
            value.put("skipped", "this backend cannot stop a node with SIGTERM; only the links into it are delayed");
            return value;
        }
        stopped.accept(leader);
        value.put("stopped", leader);
        value.put("stop_ms", (System.nanoTime() - started) / 1_000_000);
        return value;
    }
}
