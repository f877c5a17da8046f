package dev.dsync.chaos.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.chaos.workload.Recorder;
import dev.dsync.checker.history.EventType;
import dev.dsync.checker.history.HistoryWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes client and nemesis events to history.jsonl as they happen, and keeps the live counters
 * (ok, fail, info, latencies) for the progress line and the run summary.
 */
final class HistoryRecorder implements Recorder {
    private final HistoryWriter writer;
    final AtomicLong ok = new AtomicLong();
    final AtomicLong fail = new AtomicLong();
    final AtomicLong info = new AtomicLong();
    /** Nanosecond latencies of ok operations. */
    final List<Long> okLatencies = Collections.synchronizedList(new ArrayList<>());
    /** System.nanoTime() of the latest ok operation; the recovery measure reads it. */
    final AtomicLong lastOkAt = new AtomicLong();
    final AtomicReference<String> firstUnexpected = new AtomicReference<>();

    HistoryRecorder(HistoryWriter writer) {
        this.writer = writer;
    }

    void nemesis(String f, Map<String, Object> value) {
        writer.nemesis(EventType.INFO, f, value);
    }

    @Override
    public Op invoke(int process, String f, String key, JsonNode value, String node) {
        return invoke(process, f, key, value, node, null);
    }

    @Override
    public Op invoke(int process, String f, String key, JsonNode value, String node, Map<String, ?> extra) {
        long started = System.nanoTime();
        writer.append(process, EventType.INVOKE, f, key, value, node, null, extra);
        return new Op() {
            private boolean done;

            private void finish() {
                if (done) {
                    throw new IllegalStateException("operation completed twice");
                }
                done = true;
            }

            @Override
            public void ok(JsonNode result) {
                ok(result, null);
            }

            @Override
            public void ok(JsonNode result, Map<String, ?> extra) {
                finish();
                writer.append(process, EventType.OK, f, key, result, node, null, extra);
                long now = System.nanoTime();
                okLatencies.add(now - started);
                lastOkAt.set(now);
                ok.incrementAndGet();
            }

            @Override
            public void fail(String error) {
                finish();
                writer.append(process, EventType.FAIL, f, key, value, node, error);
                fail.incrementAndGet();
                // 410: a node removed from the cluster (membership nemesis) refuses everything; expected.
                if (error != null && error.startsWith("HTTP 4") && !error.startsWith("HTTP 409") && !error.startsWith("HTTP 404")
                        && !error.startsWith("HTTP 410")) {
                    firstUnexpected.compareAndSet(null, f + " " + key + ": " + error);
                }
            }

            @Override
            public void fail(JsonNode error) {
                finish();
                writer.append(process, EventType.FAIL, f, key, value, node, error);
                fail.incrementAndGet();
                int status = error.path("status").asInt(0);
                if (status / 100 == 4 && status != 409 && status != 404 && status != 410) {
                    firstUnexpected.compareAndSet(null, f + " " + key + ": " + error);
                }
            }

            @Override
            public void info(String error) {
                finish();
                writer.append(process, EventType.INFO, f, key, value, node, error);
                info.incrementAndGet();
            }
        };
    }
}
