package dev.dsync.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.dsync.chaos.cluster.Cluster;
import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A scripted cache workload for the clock self-test: in each round a reader at the slow node reads
 * one key until it is a hit (the node holds a copy under a read lease), the slow node is cut off
 * from its peers (its clients still reach it), a writer at a real-speed node replaces the value
 * (acknowledged once the leader takes the slow node's lease as over), and the reader reads again.
 * A node whose lease lasts what the leader assumes answers those reads as misses it cannot serve;
 * one whose clock runs slow keeps serving the old value as a hit: a stale read the kv model must
 * reject. Recorded in the cache workload's history format.
 */
public final class StaleReadAtSlowNode implements Workload {
    private static final String KEY = "k";
    private final String slow;
    private final NodeClient http = new NodeClient(Duration.ofSeconds(5));
    /**
     * The reader gives up after this: a miss at the cut-off node waits for a leader it cannot reach,
     * and ten reads of 5 s each made one round last a minute.
     */
    private final NodeClient reader = new NodeClient(Duration.ofMillis(500));
    /** Reads at the cut-off node invoked after the write it was cut off from was acknowledged, and how many were stale hits. */
    private int readsAfterWrite;
    private int staleHits;
    private int writer = 0;
    private int readerProcess = 1;
    private int nextProcess = 2;
    private long nextValue = 1;

    public StaleReadAtSlowNode(String slow) {
        this.slow = slow;
    }

    @Override
    public String model() {
        return "kv";
    }

    @Override
    public void run(Cluster cluster, Recorder recorder, AtomicBoolean stop) throws InterruptedException {
        List<String> fast = cluster.nodeIds().stream().filter(id -> !id.equals(slow)).toList();
        for (int round = 0; round < 50 && !stop.get(); round++) {
            String at = fast.get(round % fast.size());
            if (!write(cluster, recorder, at)) {
                Thread.sleep(200);
                continue;
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (!read(cluster, recorder) && System.nanoTime() < deadline && !stop.get()) {
                Thread.sleep(20);
            }
            List<Proxy> cut = cutOff(cluster);
            try {
                long written = nextValue;
                boolean acknowledged = write(cluster, recorder, at);
                for (int i = 0; i < 10; i++) {
                    JsonNode seen = readValue(cluster, recorder);
                    if (acknowledged) {
                        readsAfterWrite++;
                        staleHits += seen != null && seen.asLong() != written ? 1 : 0;
                    }
                    Thread.sleep(50);
                }
            } finally {
                heal(cut);
            }
            Thread.sleep(1_000); // the slow node catches up before the next round
        }
    }

    private boolean write(Cluster cluster, Recorder recorder, String node) {
        IntNode value = IntNode.valueOf((int) nextValue++);
        Recorder.Op op = recorder.invoke(writer, "write", KEY, value, node);
        Outcome o = http.post(cluster.clientUrl(node), "/cache/put", NodeClient.JSON.createObjectNode().put("key", KEY).set("val", value));
        switch (o.kind()) {
            case OK -> op.ok(value);
            case FAIL -> op.fail(o.error());
            case INFO -> {
                op.info(o.error());
                writer = nextProcess++;
            }
        }
        return o.kind() == Outcome.Kind.OK;
    }

    /** True if the read was a hit. */
    private boolean read(Cluster cluster, Recorder recorder) {
        return readValue(cluster, recorder) != null;
    }

    /** The value a read answered as a hit, or null (a miss, a refusal, no answer). */
    private JsonNode readValue(Cluster cluster, Recorder recorder) {
        Recorder.Op op = recorder.invoke(readerProcess, "read", KEY, null, slow);
        Outcome o = reader.post(cluster.clientUrl(slow), "/cache/get", NodeClient.JSON.createObjectNode().put("key", KEY));
        JsonNode val = o.body() == null ? null : o.body().get("val");
        if (o.kind() == Outcome.Kind.OK && val != null && !val.isNull()) {
            boolean hit = o.body().path("hit").asBoolean(false);
            op.ok(val, Map.of("hit", hit, "state", o.body().path("state").asText("?")));
            return hit ? val : null;
        }
        if (o.kind() == Outcome.Kind.INFO) {
            op.info(o.error());
            readerProcess = nextProcess++;
        } else {
            op.fail(o.error() == null ? "HTTP " + o.status() : o.error());
        }
        return null;
    }

    private List<Proxy> cutOff(Cluster cluster) {
        List<Proxy> cut = new ArrayList<>();
        try {
            for (String other : cluster.nodeIds()) {
                if (!other.equals(slow)) {
                    for (Proxy link : List.of(cluster.link(slow, other), cluster.link(other, slow))) {
                        link.toxics().timeout("self-test-cut-up", ToxicDirection.UPSTREAM, 0);
                        link.toxics().timeout("self-test-cut-down", ToxicDirection.DOWNSTREAM, 0);
                        cut.add(link);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cut;
    }

    private static void heal(List<Proxy> cut) {
        try {
            for (Proxy link : cut) {
                for (String name : List.of("self-test-cut-up", "self-test-cut-down")) {
                    try {
                        link.toxics().get(name).remove();
                    } catch (java.io.FileNotFoundException alreadyGone) {
                        // The run's end healed every link first (the script may still be running then).
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String stats() {
        return "scripted: write, read at " + slow + " until a hit, cut " + slow + " off, write, read again; "
                + readsAfterWrite + " reads at " + slow + " after a write it was cut off from was acknowledged, " + staleHits
                + " of them stale hits";
    }
}
