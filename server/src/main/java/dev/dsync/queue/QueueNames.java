package dev.dsync.queue;

import java.util.regex.Pattern;

/**
 * Queue naming rules. A name is 1-128 characters of letters, digits, '.', '_' and '-' (it becomes a
 * metric label). Every queue {@code Q} has a dead-letter queue {@code Q.dlq}; names ending in
 * {@code .dlq} are reserved for them: they can be read but not written to directly, which keeps
 * every key's messages in a dead-letter queue in enqueue order.
 */
public final class QueueNames {
    public static final String DEFAULT = "default";
    public static final int MAX_LENGTH = 128;
    static final String DEAD_LETTER_SUFFIX = ".dlq";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private QueueNames() {}

    /** A name a consumer may read from or ask stats for: a queue's or its dead-letter queue's. */
    public static boolean isValid(String name) {
        return name != null && !name.isEmpty() && name.length() <= MAX_LENGTH + DEAD_LETTER_SUFFIX.length()
                && NAME.matcher(name).matches();
    }

    /** A name a producer may enqueue to: valid, at most 128 characters, not a dead-letter queue. */
    public static boolean isEnqueueable(String name) {
        return isValid(name) && name.length() <= MAX_LENGTH && !isDeadLetter(name);
    }

    public static boolean isDeadLetter(String name) {
        return name.endsWith(DEAD_LETTER_SUFFIX);
    }

    public static String deadLetterOf(String name) {
        assert !isDeadLetter(name) : "a dead-letter queue has no dead-letter queue: " + name;
        return name + DEAD_LETTER_SUFFIX;
    }
}
