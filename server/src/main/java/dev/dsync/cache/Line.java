package dev.dsync.cache;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One node's copy of a key as the directory records it: the value, the version it was installed
 * or written at, the node's MESI state, and {@code since}, the log index of the command that put
 * the copy in that state (the write itself, a fill, or another node's fill that downgraded it).
 * The directory never lists a stale copy, so the version is always the key's current version.
 */
public record Line(JsonNode value, long version, LineState state, long since) {}
