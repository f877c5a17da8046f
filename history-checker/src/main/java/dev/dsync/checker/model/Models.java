package dev.dsync.checker.model;

import java.util.List;

/** The model names the checker accepts. {@code total-queue} is not a linearizability model. */
public final class Models {
    public static final String TOTAL_QUEUE = "total-queue";
    public static final List<String> NAMES = List.of("register", "cas-register", "kv", "rw-lock", "fifo-queue", TOTAL_QUEUE);

    private Models() {
    }

    /**
     * The linearizability model with this name.
     *
     * @throws IllegalArgumentException for an unknown name or for total-queue
     */
    public static Model linearizable(String name) {
        return switch (name) {
            case "register" -> new RegisterModel("register", false);
            case "cas-register" -> new RegisterModel("cas-register", true);
            case "kv" -> new RegisterModel("kv", true);
            case "rw-lock" -> new RwLockModel();
            case "fifo-queue" -> new FifoQueueModel();
            default -> throw new IllegalArgumentException("unknown model '" + name + "'; expected one of " + NAMES);
        };
    }
}
