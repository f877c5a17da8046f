package dev.dsync.bench.report;

import dev.dsync.bench.report.Results.Failover;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Failover time of each service: on a three-node cluster, kill -9 of the leader, then writes to the
 * two survivors in turn (each a new key, 1 s timeout, 5 ms apart) until one is acknowledged; the
 * time from the kill to that acknowledgement is one trial. The killed node is restarted and caught
 * up before the next trial.
 */
final class FailoverTrials {
    private static final Duration GIVE_UP = Duration.ofSeconds(30);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    private static final List<String> WRITES = List.of("lock acquire", "queue enqueue", "cache put");

    private final Lab lab;

    FailoverTrials(Lab lab) {
        this.lab = lab;
    }

    List<Failover> run() throws Exception {
        List<Failover> out = new ArrayList<>();
        List<String> services = List.of("lock", "queue", "cache");
        for (int s = 0; s < services.size(); s++) {
            out.add(service(services.get(s), WRITES.get(s)));
        }
        return out;
    }

    private Failover service(String service, String write) throws Exception {
        List<Double> trials = new ArrayList<>();
        try (Lab.Running running = lab.start("failover-" + service, service, 3, Map.of())) {
            NodeCluster cluster = running.cluster();
            for (int t = 1; t <= lab.config().failoverTrials(); t++) {
                String leader = cluster.awaitLeader(Duration.ofSeconds(30));
                lab.workloads().awaitWritable(service, cluster.port(leader), Duration.ofSeconds(20));
                Thread.sleep(1000); // a steady leader: heartbeats and (cache) read leases running
                double ms = killAndTime(cluster, service, leader);
                trials.add(ms);
                lab.log("%-28s trial %d: leader %s killed, first write acknowledged after %.0f ms", service + " failover", t, leader, ms);
                cluster.start(leader);
                String next = cluster.awaitLeader(Duration.ofSeconds(30));
                cluster.awaitCaughtUp(next, Duration.ofSeconds(30));
            }
        }
        return new Failover(service, write, trials);
    }

    private double killAndTime(NodeCluster cluster, String service, String leader) throws Exception {
        List<Integer> survivors = cluster.ids().stream().filter(id -> !id.equals(leader)).map(cluster::port).toList();
        long killedAt = System.nanoTime();
        cluster.kill(leader);
        long deadline = killedAt + GIVE_UP.toNanos();
        for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            try {
                if (lab.workloads().probeWrite(service, survivors.get(attempt % survivors.size()), PROBE_TIMEOUT).ok()) {
                    return Math.round((System.nanoTime() - killedAt) / 1e5) / 10.0;
                }
            } catch (java.io.IOException e) {
                // timed out or refused while the cluster has no leader: keep probing
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException(service + ": no write acknowledged within " + GIVE_UP + " of killing " + leader);
    }
}
