package dev.dsync.chaos.nemesis;

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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The partition shape {@code isolate-leader}, cut so that the old leader goes on believing it leads,
 * on the strength of acknowledgements sent before the cut, while its successor already serves: the
 * window in which a leader that answers reads without a ReadIndex round of its own is caught out.
 *
 * <ol>
 *   <li>The links into the leader A are slowed step by step to {@link #LAG_MS} (one way), a
 *       {@link #RAMP_STEP_MS} step every {@link #RAMP_INTERVAL_MS}, so A never goes an election timeout without an
 *       acknowledgement and leads on; its followers' acknowledgements now reach it that much later.</li>
 *   <li>The links out of A are cut: the followers hear nothing more from it and elect B one election
 *       timeout (300-600 ms) later. For {@link #LAG_MS} after the cut A still receives the
 *       acknowledgements in flight, all of rounds it sent before the cut.</li>
 *   <li>Once those have arrived, the links into A are cut too: A never hears B's term, and steps
 *       down at its first failed quorum check, 300-600 ms after the last acknowledgement.</li>
 * </ol>
 * B is elected 300-600 ms after the cut; a new cache leader acknowledges writes 211 ms later (it
 * waits out the old read leases); A meanwhile leads until about 1.6-1.8 s after the cut, and
 * acknowledgements keep arriving for 1.2 s. A leader that confirms a read with any acknowledgement
 * that arrives, instead of one for a round sent after the read came in, or that skips the round,
 * answers the sticky reader's reads from its own state in that window: stale reads of what B
 * acknowledged. One that confirms correctly answers none (its rounds after the cut are never
 * acknowledged). The nemesis measures the overlap on /health and records it with the event. Why
 * the ramp: a delay switched on at once leaves A without acknowledgements for the whole delay, and
 * its quorum check would fail first; why it is slow: {@link #RAMP_INTERVAL_MS}.
 */
final class LaggedIsolation {
    static final int LAG_MS = 1_200;
    static final int RAMP_STEP_MS = 50;
    /**
     * How often the lag grows by a step: more slowly than time passes. Toxiproxy's latency toxic lets
     * the chunk it holds go at once when it is updated, and holds every later chunk until its own
     * arrival plus the current latency; raised as fast as time passes, that time keeps moving away,
     * so only the updates let data through, with far less delay than asked, and when the raising
     * stopped the link went quiet until the delay caught up: the leader heard nothing for 0.6 s and
     * stepped down 0.3-0.6 s after the cut (traced in a lock run; 8 of 9 steps of a CI run). Raised at
     * 50 ms per 85 ms, each byte leaves about the current latency after it came in.
     */
    static final int RAMP_INTERVAL_MS = 85;
    /** How long the nemesis watches for the successor and the old leader's step-down after the cut. */
    private static final long WATCH_MS = 2_500;

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

    /** What a shape built on this one does at the moment the links out of the leader are cut. */
    interface AtCut {
        void run() throws IOException, InterruptedException;
    }

    Map<String, Object> run(String leader, List<String> ids) throws IOException, InterruptedException {
        return run(leader, ids, () -> { });
    }

    Map<String, Object> run(String leader, List<String> ids, AtCut atCut) throws IOException, InterruptedException {
        Map<String, Object> value = new LinkedHashMap<>();
        long oldTerm = probe.number(leader, "term");
        List<Proxy> inbound = cluster.inboundLinks(leader, ids);
        List<Latency> lags = new ArrayList<>();
        for (Proxy link : inbound) {
            lags.add(link.toxics().latency("ack-lag", ToxicDirection.UPSTREAM, RAMP_STEP_MS));
        }
        for (int lag = 2 * RAMP_STEP_MS; lag <= LAG_MS; lag += RAMP_STEP_MS) {
            Thread.sleep(RAMP_INTERVAL_MS);
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
        atCut.run();
        value.put("isolated", List.of(leader));
        value.put("ack_lag_ms", LAG_MS);
        try (ExecutorService pollers = Executors.newVirtualThreadPerTaskExecutor()) {
            Watch watch = new Watch(pollers, leader, oldTerm, cutAt);
            Thread.sleep(LAG_MS + 50);
            for (Proxy link : inbound) {
                cuts.cutLink(link);
            }
            value.putAll(watch.result());
        }
        return value;
    }

    /**
     * Polls /health from the cut on until a successor leads in a newer term and the old leader has
     * stepped down (or the watch ends): when each was first seen, in ms after the cut, and the overlap.
     * Two pollers, so that a slow answer from one node does not delay what is seen of the other.
     */
    private final class Watch {
        private final AtomicReference<String> successorId = new AtomicReference<>();
        private final Future<Long> elected;
        private final Future<Long> steppedDown;

        Watch(ExecutorService pollers, String old, long oldTerm, long cutAt) {
            elected = pollers.submit(() -> firstSeen(cutAt, () -> probe.successorOf(old, oldTerm).map(h -> {
                successorId.set(h.path("id").asText());
                return true;
            }).orElse(false)));
            // No answer is not a step-down: a busy old leader may answer /health late.
            steppedDown = pollers.submit(() -> firstSeen(cutAt, () -> probe.health(old)
                    .map(h -> h.path("role").asInt() != 2 || h.path("term").asLong() != oldTerm).orElse(false)));
        }

        Map<String, Object> result() throws InterruptedException {
            try {
                Long electedMs = elected.get();
                Long downMs = steppedDown.get();
                Map<String, Object> seen = new LinkedHashMap<>();
                seen.put("new_leader", successorId.get());
                seen.put("new_leader_seen_ms", electedMs);
                seen.put("old_leader_led_until_ms", downMs);
                if (electedMs != null) {
                    seen.put("overlap_ms", Math.max(0, (downMs == null ? WATCH_MS : downMs) - electedMs));
                }
                return seen;
            } catch (ExecutionException e) {
                throw new IllegalStateException("watching the leaders failed", e.getCause());
            }
        }
    }

    /** Ms after {@code cutAt} when {@code condition} first held, polled every 10 ms; null if not within the watch. */
    private static Long firstSeen(long cutAt, BooleanSupplier condition) throws InterruptedException {
        while (msSince(cutAt) < WATCH_MS) {
            if (condition.getAsBoolean()) {
                return msSince(cutAt);
            }
            Thread.sleep(10);
        }
        return null;
    }

    private static long msSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
