package dev.dsync.checker.history;

import com.fasterxml.jackson.databind.JsonNode;

/** A fault-injection step: from its first event's time to its last (equal for a single event). */
public record NemesisOp(String f, JsonNode value, long startTime, long endTime, int line) {
}
