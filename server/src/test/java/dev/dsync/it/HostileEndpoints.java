package dev.dsync.it;

import java.util.ArrayList;
import java.util.List;

/**
 * What the hostile-input test knows of each service's HTTP surface: every endpoint with its
 * fields, their kinds and ranges. The ranges mirror the services' documented limits; the
 * generator uses them to build values that are valid, and values just past them that must be
 * refused.
 */
final class HostileEndpoints {
    enum Kind { STRING, LONG, ENUM, ANY_VALUE, NON_NULL_VALUE, MSG_ID, QUEUE_NAME }

    record Field(String name, Kind kind, boolean required, long min, long max) {
        static Field string(String name, boolean required) {
            return new Field(name, Kind.STRING, required, 0, 0);
        }

        static Field number(String name, long min, long max) {
            return new Field(name, Kind.LONG, false, min, max);
        }

        static Field of(String name, Kind kind, boolean required) {
            return new Field(name, kind, required, 0, 0);
        }
    }

    /**
     * One route. {@code fields} are JSON body fields for POST routes and query parameters for GET
     * routes; {@code deadLetterRefused} marks where a ".dlq" queue name must be refused.
     */
    record Endpoint(String method, String path, List<Field> fields, boolean peer, boolean deadLetterRefused) {
        boolean isGet() {
            return method.equals("GET");
        }

        List<Field> required() {
            return fields.stream().filter(Field::required).toList();
        }
    }

    private HostileEndpoints() {}

    static final long DAY_MS = 24L * 3600 * 1000;
    static final long HALF_DAY_MS = 12L * 3600 * 1000;

    static List<Endpoint> of(String service) {
        List<Endpoint> all = new ArrayList<>(switch (service) {
            case "lock" -> lock();
            case "queue" -> queue();
            case "cache" -> cache();
            default -> throw new IllegalArgumentException(service);
        });
        all.add(new Endpoint("GET", "/health", List.of(), false, false));
        all.add(new Endpoint("GET", "/metrics", List.of(), false, false));
        all.add(new Endpoint("POST", "/raft/stream", List.of(), true, false));
        return all;
    }

    private static List<Field> ids(boolean clientRequired) {
        return List.of(Field.string("client_id", clientRequired), Field.string("request_id", false));
    }

    private static List<Field> with(List<Field> ids, Field... fields) {
        List<Field> all = new ArrayList<>(List.of(fields));
        all.addAll(ids);
        return all;
    }

    private static List<Endpoint> lock() {
        return List.of(
                new Endpoint("POST", "/lock/acquire", with(ids(true), Field.string("key", true), Field.of("mode", Kind.ENUM, true),
                        Field.number("ttl_ms", 1, DAY_MS), Field.number("wait_ms", 0, 300_000)), false, false),
                new Endpoint("POST", "/lock/release", with(ids(true), Field.string("key", true)), false, false),
                new Endpoint("POST", "/lock/renew", ids(true), false, false),
                new Endpoint("GET", "/lock/status", List.of(Field.string("key", true)), false, false));
    }

    private static List<Endpoint> queue() {
        Field queue = Field.of("queue", Kind.QUEUE_NAME, false);
        Field msgId = Field.of("msg_id", Kind.MSG_ID, true);
        return List.of(
                new Endpoint("POST", "/queue/enq", with(ids(false), queue, Field.string("key", true),
                        Field.of("value", Kind.ANY_VALUE, true), Field.number("max_deliveries", 1, 1000)), false, true),
                new Endpoint("POST", "/queue/deq", List.of(queue, Field.string("consumer_id", false),
                        Field.number("visibility_ms", 1, HALF_DAY_MS), Field.number("partition", 0, 7),
                        Field.number("wait_ms", 0, 300_000)), false, false),
                new Endpoint("POST", "/queue/ack", with(ids(false), msgId, Field.string("receipt", false)), false, false),
                new Endpoint("POST", "/queue/nack", with(ids(false), msgId, Field.string("receipt", true),
                        Field.number("delay_ms", 0, HALF_DAY_MS)), false, false),
                new Endpoint("GET", "/queue/stats", List.of(queue), false, false));
    }

    private static List<Endpoint> cache() {
        Field key = Field.string("key", true);
        Field val = Field.of("val", Kind.NON_NULL_VALUE, true);
        return List.of(
                new Endpoint("POST", "/cache/get", List.of(key), false, false),
                new Endpoint("POST", "/cache/put", with(ids(false), key, val), false, false),
                new Endpoint("POST", "/cache/cas", with(ids(false), key, Field.of("expected", Kind.ANY_VALUE, true), val), false, false),
                new Endpoint("POST", "/cache/del", with(ids(false), key), false, false),
                new Endpoint("GET", "/cache/state", List.of(key), false, false),
                new Endpoint("GET", "/cache/directory", List.of(key), false, false),
                new Endpoint("POST", "/cache/peer/lease", List.of(Field.string("node", true)), true, false),
                new Endpoint("POST", "/cache/peer/read", List.of(key, Field.string("node", true)), true, false),
                new Endpoint("POST", "/cache/peer/write", List.of(Field.of("command", Kind.ANY_VALUE, true)), true, false));
    }
}
