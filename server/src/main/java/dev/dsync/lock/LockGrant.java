package dev.dsync.lock;

/**
 * A lock held by a client. {@code fence} is unique to this grant and greater than every fence
 * granted before it on any key (at least the log index of the granting command);
 * {@code expiresAtMs} is the client's lease deadline when this was read.
 */
public record LockGrant(String key, String clientId, LockMode mode, long fence, long expiresAtMs) {}
