package dev.dsync.cache;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One node's copy of a key as the directory records it: the value, the version it was installed
 * or written at, and the node's MESI state. The directory never lists a stale copy, so the
 * version is always the key's current version.
 */
public record Line(JsonNode value, long version, LineState state) {}
