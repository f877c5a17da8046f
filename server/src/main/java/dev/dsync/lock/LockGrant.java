package dev.dsync.lock;

/**
 * A lock held by a client. {@code fence} is the log index of the command that granted it, so
 * fences only grow on a key; {@code expiresAtMs} is the client's lease deadline when this was read.
 */
public record LockGrant(String key, String clientId, LockMode mode, long fence, long expiresAtMs) {}
