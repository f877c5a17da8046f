package dev.dsync.chaos.workload;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.chaos.cluster.Cluster;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Clients acquire S and X locks on a few keys with blocking waits and short leases, hold them
 * briefly, and release them. Each client talks to one node (followers forward to the leader) and
 * moves to the next node after a refusal that names no leader. After an unknown outcome a client
 * continues as a new process with a new client id, as Jepsen does, because its old identity may
 * still hold a lock until the lease runs out.
 */
public final class LockWorkload implements Workload {
    private static final int MAX_OPS_PER_CLIENT = 100_000;

    private final int clients;
    private final List<String> keys;
    private final long ttlMs;
    private final long waitMs;
    private final long seed;

    public LockWorkload(int clients, int keyCount, long ttlMs, long waitMs, long seed) {
        this.clients = clients;
        this.keys = new ArrayList<>();
        for (int k = 0; k < keyCount; k++) {
            keys.add("lock-" + k);
        }
        this.ttlMs = ttlMs;
        this.waitMs = waitMs;
        this.seed = seed;
    }

    @Override
    public String model() {
        return "rw-lock";
    }

    @Override
    public void run(Cluster cluster, Recorder recorder, AtomicBoolean stop) throws InterruptedException {
        AtomicInteger nextProcess = new AtomicInteger(clients);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int first = c;
            threads.add(Thread.ofVirtual().name("lock-client-" + c).start(
                    () -> client(first, cluster, recorder, stop, nextProcess)));
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    private void client(int process, Cluster cluster, Recorder recorder, AtomicBoolean stop, AtomicInteger nextProcess) {
        Random random = new Random(seed * 31 + process);
        NodeClient http = new NodeClient(Duration.ofMillis(waitMs + 3_000));
        List<String> nodes = cluster.nodeIds();
        int nodeIndex = process % nodes.size();
        for (int op = 0; op < MAX_OPS_PER_CLIENT && !stop.get(); op++) {
            String node = nodes.get(nodeIndex);
            URI url = cluster.clientUrl(node);
            String key = keys.get(random.nextInt(keys.size()));
            String mode = random.nextBoolean() ? "S" : "X";
            String clientId = "c" + process;

            ObjectNode value = NodeClient.JSON.createObjectNode().put("mode", mode).put("client", clientId);
            Recorder.Op acquire = recorder.invoke(process, "acquire", key, value, node);
            ObjectNode request = NodeClient.JSON.createObjectNode().put("key", key).put("mode", mode)
                    .put("client_id", clientId).put("ttl_ms", ttlMs).put("wait_ms", waitMs);
            Outcome granted = http.post(url, "/lock/acquire", request);
            if (!complete(acquire, granted, value.deepCopy().put("fence", granted.body() == null ? -1 : granted.body().path("fence").asLong()))) {
                if (granted.kind() == Outcome.Kind.INFO) {
                    process = nextProcess.getAndIncrement();
                }
                if (granted.status() != 409) { // 409: the lock is busy, the node is fine
                    nodeIndex = (nodeIndex + 1) % nodes.size();
                    sleepQuietly(QueueWorkload.BACKOFF_MS);
                }
                continue;
            }
            sleepQuietly(random.nextInt(30));
            Recorder.Op release = recorder.invoke(process, "release", key, NodeClient.JSON.createObjectNode().put("client", clientId), node);
            Outcome released = http.post(url, "/lock/release",
                    NodeClient.JSON.createObjectNode().put("key", key).put("client_id", clientId));
            if (!complete(release, released, NodeClient.JSON.createObjectNode().put("client", clientId))
                    && released.kind() == Outcome.Kind.INFO) {
                process = nextProcess.getAndIncrement();
                sleepQuietly(QueueWorkload.BACKOFF_MS);
            }
        }
    }

    /** Records the outcome; true if the operation happened. */
    private static boolean complete(Recorder.Op op, Outcome outcome, com.fasterxml.jackson.databind.JsonNode okValue) {
        switch (outcome.kind()) {
            case OK -> {
                op.ok(okValue);
                return true;
            }
            case FAIL -> op.fail(outcome.error());
            case INFO -> op.info(outcome.error());
        }
        return false;
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
