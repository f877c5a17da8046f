package dev.dsync.checker.history;

/** Input that cannot be used: carries the 1-based line number (0 if not tied to a line) and what is wrong. */
public final class HistoryFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int line;

    public HistoryFormatException(int line, String problem) {
        super(line > 0 ? "line " + line + ": " + problem : problem);
        this.line = line;
    }

    public int line() {
        return line;
    }
}
