package dev.dsync.statemachine;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A fingerprint of a node's replicated state at one applied index, so replicas can be compared
 * with each other (the idea of etcd's hash check): two replicas that applied the same log prefix
 * must report the same digest at the same index; a difference means some apply is not
 * deterministic (it read a clock, iterated a hash map, ...) and the replicas silently diverged.
 *
 * <p>The digest is SHA-256 over the {@link SessionStateMachine#snapshot()} image: client sessions
 * (with the answers kept for retries) and the service's own image. That image is canonical — every
 * map in it is sorted or in an order that is itself replicated state (a FIFO, the sessions' LRU
 * order), indexes rebuilt on restore are left out, and a restored replica snapshots to the same
 * bytes (the services' snapshot tests check this) — so equal states give equal digests whether a
 * replica applied every entry or installed a snapshot. Local, unreplicated state (the cache
 * node's own line cache, a lock node's pending grant notifications) is not in the image and not in
 * the digest.
 *
 * <p>Cost: one full snapshot encoding plus a hash, O(size of the state), the same work as the
 * periodic snapshot the node takes anyway. Computed on demand only, never per apply.
 *
 * @param appliedIndex the log index the state reflects; digests compare only at equal indexes
 * @param digest       lower-case hex
 * @param algorithm    what {@code digest} is, e.g. "sha-256(session-snapshot)"
 */
public record StateDigest(long appliedIndex, String digest, String algorithm) {
    public static final String ALGORITHM = "sha-256(session-snapshot)";

    /** The digest of {@code machine}'s current state; call on the thread that applies to it. */
    public static StateDigest of(SessionStateMachine machine) {
        return ofImage(machine.lastApplied(), machine.snapshot());
    }

    /** The digest of a snapshot image already taken at {@code appliedIndex}. */
    public static StateDigest ofImage(long appliedIndex, byte[] image) {
        return new StateDigest(appliedIndex, HexFormat.of().formatHex(sha256(image)), ALGORITHM);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
