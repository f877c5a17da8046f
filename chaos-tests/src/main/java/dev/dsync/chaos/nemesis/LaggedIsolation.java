package dev.dsync.chaos.nemesis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.chaos.cluster.Cluster;
import dev.dsync.chaos.cluster.ClusterProbe;
import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import eu.rekawek.toxiproxy.model.toxic.Latency;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The partition shape {@code isolate-leader}, cut so that the old leader goes on leading for as long
 * as Raft lets it while its successor already serves: the window in which a leader that answers a
 * read without confirming its leadership (ReadIndex) is caught out.
 *
 * <ol>
 *   <li>The links into the leader A are slowed step by step to {@link #LAG_MS} (one way): its
 *       followers' acknowledgements reach it that much later, a {@link #RAMP_STEP_MS} step at a time, so A
 *       never goes an election timeout without one and leads on.</li>
 *   <li>The links out of A are cut: the followers hear nothing more from it and elect B one election
 *       timeout (300-600 ms) later. A still receives the acknowledgements in flight on its slowed
 *       links for {@link #LAG_MS}, so its quorum check passes that much longer than it would after a
 *       clean cut.</li>
 *   <li>Once those have arrived, the links into A are cut too (A must not hear B's term): A steps
 *       down at its next failed quorum check, an election timeout after the last acknowledgement.</li>
 * </ol>
 * The overlap, A still leading while B is elected, is then about {@link #LAG_MS} plus the difference
 * of two random timer phases (at least {@code LAG_MS} - 300 ms, typically 400-600 ms), against
 * 0-300 ms (often none) for a clean cut. Long enough for a new cache leader to wait out the old
 * read leases (211 ms) and acknowledge writes, while the sticky reader at A keeps asking: a read A
 * answers from its own state is stale, one it confirms first never completes. The nemesis measures
 * the overlap on /health and records it with the event. Why the ramp: a delay switched on at once
 * leaves A without acknowledgements for the whole delay, and at 450 ms its quorum check fails first.
 */
final class LaggedIsolation {
    static final int LAG_MS = 450;
    static final int RAMP_STEP_MS = 50;
    /** How long the nemesis watches for the successor and the old leader's step-down after the cut. */
    private static final long WATCH_MS = 1_500;

    /** The cuts this shape is made of, carried out (and undone at the heal) by the nemesis. */
    interface Cuts {
        /** Cuts the directed link; one that has no proxy of its own is noted in the event instead. */
        void cut(String from, String to) throws IOException;

        void cutLink(Proxy link) throws IOException;
    }

    private final Cluster cluster;
    private final ClusterProbe probe;
    private final Cuts cuts;

    LaggedIsolation(Cluster cluster, ClusterProbe probe, Cuts cuts) {
        this.cluster = cluster;
        this.probe = probe;
        this.cuts = cuts;
    }

    Map<String, Object> run(String leader, List<String> ids) throws IOException, InterruptedException {
        Map<String, Object> value = new LinkedHashMap<>();
        long oldTerm = probe.health(leader).map(h -> h.path("term").asLong()).orElse(-1L);
        // A joined node's inbound proxy carries every member's traffic to it; a founder has one per sender.
        List<Proxy> inbound = cluster.sharedInbound(leader).map(List::of).orElseGet(() -> ids.stream()
                .filter(other -> !other.equals(leader) && cluster.hasLink(other, leader))
                .map(other -> cluster.link(other, leader)).toList());
        List<Latency> lags = new ArrayList<>();
        for (Proxy link : inbound) {
            lags.add(link.toxics().latency("ack-lag", ToxicDirection.UPSTREAM, RAMP_STEP_MS));
        }
        for (int lag = 2 * RAMP_STEP_MS; lag <= LAG_MS; lag += RAMP_STEP_MS) {
            Thread.sleep(RAMP_STEP_MS);
            for (Latency toxic : lags) {
                toxic.setLatency(lag);
            }
        }
        long cutAt = System.nanoTime();
        for (String other : ids) {
            if (!other.equals(leader)) {
                cuts.cut(leader, other);
            }
        }
        Thread.sleep(LAG_MS + 50);
        for (Proxy link : inbound) {
            cuts.cutLink(link);
        }
        value.put("isolated", List.of(leader));
        value.put("ack_lag_ms", LAG_MS);
        value.putAll(watchOverlap(leader, oldTerm, cutAt));
        return value;
    }

    /**
     * Polls /health until a successor leads in a newer term and the old leader has stepped down (or
     * the watch ends): when each was first seen, in ms after the cut, and the overlap between them.
     */
    private Map<String, Object> watchOverlap(String old, long oldTerm, long cutAt) throws InterruptedException {
        Map<String, Object> seen = new LinkedHashMap<>();
        Long electedMs = null;
        Long steppedDownMs = null;
        while ((electedMs == null || steppedDownMs == null) && msSince(cutAt) < WATCH_MS) {
            if (electedMs == null) {
                Optional<JsonNode> successor = probe.successorOf(old, oldTerm);
                if (successor.isPresent()) {
                    electedMs = msSince(cutAt);
                    seen.put("new_leader", successor.get().path("id").asText());
                }
            }
            if (steppedDownMs == null) {
                Optional<JsonNode> h = probe.health(old);
                if (h.isEmpty() || h.get().path("role").asInt() != 2 || h.get().path("term").asLong() != oldTerm) {
                    steppedDownMs = msSince(cutAt);
                }
            }
            Thread.sleep(10);
        }
        seen.put("new_leader_seen_ms", electedMs);
        seen.put("old_leader_led_until_ms", steppedDownMs);
        if (electedMs != null) {
            seen.put("overlap_ms", Math.max(0, (steppedDownMs == null ? msSince(cutAt) : steppedDownMs) - electedMs));
        }
        return seen;
    }

    private static long msSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
