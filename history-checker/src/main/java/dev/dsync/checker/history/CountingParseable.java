package dev.dsync.checker.history;

import us.bpsm.edn.parser.Parseable;

/**
 * An EDN {@link Parseable} over an in-memory text that tracks the current line, so that each
 * top-level EDN value (and each syntax error) can be reported with its line number.
 * Invariant: {@code line} is 1 + the number of newlines before {@code pos}.
 */
final class CountingParseable implements Parseable {
    private final CharSequence text;
    private int pos;
    private int line = 1;

    CountingParseable(CharSequence text) {
        this.text = text;
    }

    @Override
    public int read() {
        if (pos >= text.length()) {
            pos++; // keep read/unread symmetric at the end of input
            return END_OF_INPUT;
        }
        char c = text.charAt(pos++);
        if (c == '\n') {
            line++;
        }
        return c;
    }

    @Override
    public void unread(int ch) {
        pos--;
        if (ch == '\n') {
            line--;
        }
    }

    /** Peeks at the next character without consuming it, or -1 at the end. */
    int peek() {
        return pos < text.length() ? text.charAt(pos) : -1;
    }

    /** Skips whitespace, commas and ';' comments (all insignificant in EDN). */
    void skipInsignificant() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ';') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (Character.isWhitespace(c) || c == ',') {
                read();
            } else {
                return;
            }
        }
    }

    int line() {
        return line;
    }

    @Override
    public void close() {
    }
}
