package dev.dsync.checker.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reads JSON Lines histories: one JSON object per line; blank lines are skipped. */
final class JsonlReader {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonlReader() {
    }

    static List<Event> read(BufferedReader in) throws IOException {
        List<Event> events = new ArrayList<>();
        int line = 0;
        for (String s = in.readLine(); s != null; s = in.readLine()) {
            line++;
            if (s.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = MAPPER.readTree(s);
            } catch (JsonProcessingException e) {
                throw new HistoryFormatException(line, "not valid JSON: " + e.getOriginalMessage());
            }
            events.add(EventDecoder.decode(node, line, events.size()));
        }
        return events;
    }
}
