package dev.dsync.checker.history;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Entry point for reading histories. The format is JSON Lines unless the file name ends in
 * {@code .edn} or the first significant character opens an EDN vector or an EDN map with
 * keyword keys ({@code [} or <code>{:</code>).
 */
public final class HistoryReader {
    public enum Format { AUTO, JSONL, EDN }

    private HistoryReader() {
    }

    public static History read(Path file) throws IOException {
        return read(file, Format.AUTO);
    }

    public static History read(Path file, Format format) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Format f = format == Format.AUTO && file.getFileName().toString().endsWith(".edn") ? Format.EDN : format;
        return parse(text, f);
    }

    /** Parses history text; throws {@link HistoryFormatException} with a line number when it is unusable. */
    public static History parse(String text, Format format) {
        Format f = format == Format.AUTO ? detect(text) : format;
        List<Event> events;
        if (f == Format.EDN) {
            events = EdnReader.read(text);
        } else {
            try (BufferedReader in = new BufferedReader(new StringReader(text))) {
                events = JsonlReader.read(in);
            } catch (IOException e) {
                throw new IllegalStateException("reading from a string cannot fail", e);
            }
        }
        return History.of(events);
    }

    static Format detect(String text) {
        int i = 0;
        while (i < text.length() && (Character.isWhitespace(text.charAt(i)) || text.charAt(i) == ',')) {
            i++;
        }
        if (i < text.length() && text.charAt(i) == '[') {
            return Format.EDN;
        }
        if (i < text.length() && text.charAt(i) == '{') {
            int j = i + 1;
            while (j < text.length() && Character.isWhitespace(text.charAt(j))) {
                j++;
            }
            if (j < text.length() && text.charAt(j) == ':') {
                return Format.EDN;
            }
        }
        if (i < text.length() && text.charAt(i) == ';') {
            return Format.EDN;
        }
        return Format.JSONL;
    }
}
