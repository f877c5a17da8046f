package dev.dsync.node;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** The Raft metrics of one node. Gauges read the status the loop publishes; nothing blocks the loop. */
public final class NodeMetrics {
    private final Counter leaderChanges;
    private final Counter membershipChanges;
    private final Histogram appendBatchSize;
    private final Histogram fsyncSeconds;

    public NodeMetrics(PrometheusRegistry registry, Supplier<NodeStatus> status, Supplier<MembershipView> members) {
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
        GaugeWithCallback.builder().name("raft_voters").help("voters in the configuration this node has in force")
                .callback(cb -> cb.call(members.get().configuration().voters().size())).register(registry);
        GaugeWithCallback.builder().name("raft_learners").help("learners (members catching up before they vote) in the configuration in force")
                .callback(cb -> cb.call(members.get().configuration().learners().size())).register(registry);
        membershipChanges = Counter.builder().name("raft_membership_changes_total")
                .help("configuration entries this node applied (committed membership changes)").register(registry);
        appendBatchSize = Histogram.builder().name("raft_append_batch_size")
                .help("entries persisted per fsync (group commit)")
                .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024).register(registry);
        fsyncSeconds = Histogram.builder().name("raft_fsync_seconds")
                .help("time spent in one fsync of the write-ahead log")
                .classicUpperBounds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1)
                .register(registry);
    }

    /** The peer transport's drops: all of them, and those for want of an address (a member not known yet, or no longer). */
    public void registerPeerDrops(PrometheusRegistry registry, LongSupplier dropped, LongSupplier unknownPeer) {
        CounterWithCallback.builder().name("raft_peer_messages_dropped_total")
                .help("raft messages not sent: queue full, connection failed, or no address for the peer")
                .callback(cb -> cb.call(dropped.getAsLong())).register(registry);
        CounterWithCallback.builder().name("raft_peer_messages_unknown_total")
                .help("raft messages dropped because the directory knew no address for their destination")
                .callback(cb -> cb.call(unknownPeer.getAsLong())).register(registry);
    }

    void membershipChanged() {
        membershipChanges.inc();
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
