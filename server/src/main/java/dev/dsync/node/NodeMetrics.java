package dev.dsync.node;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Supplier;

/** The Raft metrics of one node. Gauges read the status the loop publishes; nothing blocks the loop. */
public final class NodeMetrics {
    private final Counter leaderChanges;
    private final Histogram appendBatchSize;
    private final Histogram fsyncSeconds;

    public NodeMetrics(PrometheusRegistry registry, Supplier<NodeStatus> status) {
        GaugeWithCallback.builder().name("raft_term").help("current Raft term")
                .callback(cb -> cb.call(status.get().term())).register(registry);
        GaugeWithCallback.builder().name("raft_role").help("0 follower, 1 candidate, 2 leader")
                .callback(cb -> cb.call(status.get().role().code)).register(registry);
        GaugeWithCallback.builder().name("raft_commit_index").help("highest log index known committed")
                .callback(cb -> cb.call(status.get().commitIndex())).register(registry);
        GaugeWithCallback.builder().name("raft_applied_index").help("highest log index applied to the state machine")
                .callback(cb -> cb.call(status.get().appliedIndex())).register(registry);
        leaderChanges = Counter.builder().name("raft_leader_changes_total")
                .help("times this node saw a new leader").register(registry);
        appendBatchSize = Histogram.builder().name("raft_append_batch_size")
                .help("entries persisted per fsync (group commit)")
                .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024).register(registry);
        fsyncSeconds = Histogram.builder().name("raft_fsync_seconds")
                .help("time spent in one fsync of the write-ahead log")
                .classicUpperBounds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1)
                .register(registry);
    }

    void leaderChanged() {
        leaderChanges.inc();
    }

    void appendBatch(int entries) {
        appendBatchSize.observe(entries);
    }

    public void fsync(double seconds) {
        fsyncSeconds.observe(seconds);
    }
}
