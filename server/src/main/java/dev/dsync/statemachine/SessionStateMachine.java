package dev.dsync.statemachine;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dsync.raft.Entry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Wraps a service state machine with client sessions (Raft dissertation §6.3): a command that
 * carries a client id and request id is applied at most once, and a retry gets the first answer.
 *
 * <p>Per client the last {@value #REQUESTS_PER_CLIENT} answers are kept; at most
 * {@value #MAX_CLIENTS} clients are remembered, the least recently active forgotten first. Both
 * bounds are deterministic, so every replica forgets the same sessions. A retry of a forgotten
 * request is applied again: clients must retry within that window.
 */
public final class SessionStateMachine {
    static final int REQUESTS_PER_CLIENT = 64;
    static final int MAX_CLIENTS = 50_000;
    /**
     * The service's image is one base64 string as long as the service's state: Jackson's default
     * cap on a string (20 MB) made a queue of about 90,000 messages unrestorable, and a follower
     * installing it halted. The transport's frame limit is the real bound on a snapshot.
     */
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build());

    private final StateMachine service;
    /** Access-ordered: iteration starts at the least recently active client. */
    private final LinkedHashMap<String, LinkedHashMap<String, ApplyResult>> sessions =
            new LinkedHashMap<>(16, 0.75f, true);
    private long lastApplied;
    private long lastStampMs = Long.MIN_VALUE;

    public SessionStateMachine(StateMachine service) {
        this.service = service;
    }

    public StateMachine service() {
        return service;
    }

    public long lastApplied() {
        return lastApplied;
    }

    /**
     * The time stamped on the last command applied (its proposer's command clock), or
     * {@link Long#MIN_VALUE} if none was applied since this machine was made or restored.
     */
    public long lastStampMs() {
        return lastStampMs;
    }

    /**
     * Applies one committed log entry; a duplicate request returns its first answer. A no-op entry
     * (a new leader's first) and a configuration entry (Raft's own business) only advance the
     * applied index and return null.
     */
    public ApplyResult apply(Entry entry) {
        if (entry.index() <= lastApplied) {
            throw new IllegalStateException("apply out of order: index " + entry.index() + " after " + lastApplied);
        }
        lastApplied = entry.index();
        if (entry.isNoop() || entry.isConfig()) {
            return null;
        }
        long index = entry.index();
        Envelope envelope = Envelope.decode(entry.data());
        lastStampMs = envelope.nowMs();
        if (envelope.clientId() == null || envelope.requestId() == null) {
            return service.apply(index, envelope.nowMs(), envelope.command());
        }
        LinkedHashMap<String, ApplyResult> answers = sessions.computeIfAbsent(envelope.clientId(), c -> new LinkedHashMap<>());
        ApplyResult first = answers.get(envelope.requestId());
        if (first != null) {
            return first;
        }
        ApplyResult result = service.apply(index, envelope.nowMs(), envelope.command());
        answers.put(envelope.requestId(), result);
        trim(answers, REQUESTS_PER_CLIENT);
        trim(sessions, MAX_CLIENTS);
        return result;
    }

    private static void trim(Map<String, ?> map, int max) {
        Iterator<String> oldest = map.keySet().iterator();
        while (map.size() > max) {
            oldest.next();
            oldest.remove();
        }
    }

    /**
     * An image of the sessions and the service; {@link #lastApplied()} is the log index it reflects.
     * Canonical: the sessions in their (replicated) least-recently-active order, each client's
     * answers in request order, so equal states give equal bytes (see {@link StateDigest}).
     * Written as a stream, not built as a tree: this runs for every snapshot and every digest.
     */
    public byte[] snapshot() {
        return captureSnapshot().get();
    }

    /**
     * {@link #snapshot()} in two steps: this call copies the session tables and captures the service
     * ({@link StateMachine#captureSnapshot}) between two applies; the encoder it returns may run on
     * another thread while applies go on, and gives the bytes {@link #snapshot()} gives now.
     */
    public Supplier<byte[]> captureSnapshot() {
        long applied = lastApplied;
        LinkedHashMap<String, LinkedHashMap<String, ApplyResult>> copy = new LinkedHashMap<>();
        for (Map.Entry<String, LinkedHashMap<String, ApplyResult>> client : sessions.entrySet()) {
            copy.put(client.getKey(), new LinkedHashMap<>(client.getValue()));
        }
        Supplier<byte[]> service = this.service.captureSnapshot();
        return () -> encode(applied, copy, service.get());
    }

    private static byte[] encode(long lastApplied, Map<String, LinkedHashMap<String, ApplyResult>> sessions, byte[] service) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(service.length * 4 / 3 + 64 * sessions.size() + 64);
        try (JsonGenerator out = JSON.getFactory().createGenerator(bytes)) {
            out.writeStartObject();
            out.writeNumberField("last_applied", lastApplied);
            out.writeArrayFieldStart("sessions");
            for (Map.Entry<String, LinkedHashMap<String, ApplyResult>> client : sessions.entrySet()) {
                out.writeStartObject();
                out.writeStringField("client_id", client.getKey());
                out.writeArrayFieldStart("answers");
                for (Map.Entry<String, ApplyResult> answer : client.getValue().entrySet()) {
                    out.writeStartObject();
                    out.writeStringField("request_id", answer.getKey());
                    out.writeNumberField("status", answer.getValue().status());
                    out.writeFieldName("body");
                    writeBody(out, answer.getValue().body());
                    out.writeEndObject();
                }
                out.writeEndArray();
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeBinaryField("service", service);
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void writeBody(JsonGenerator out, JsonNode body) throws IOException {
        if (body == null) {
            out.writeNull();
        } else {
            JSON.writeTree(out, body);
        }
    }

    public void restore(byte[] image) {
        lastStampMs = Long.MIN_VALUE;
        JsonNode root;
        try {
            root = JSON.readTree(image);
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt state machine snapshot", e);
        }
        sessions.clear();
        for (JsonNode client : root.path("sessions")) {
            LinkedHashMap<String, ApplyResult> answers = new LinkedHashMap<>();
            for (JsonNode answer : client.path("answers")) {
                answers.put(answer.get("request_id").asText(), new ApplyResult(answer.get("status").asInt(), answer.get("body")));
            }
            sessions.put(client.get("client_id").asText(), answers);
        }
        lastApplied = root.get("last_applied").asLong();
        try {
            service.restore(root.get("service").binaryValue());
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt service snapshot", e);
        }
    }
}
