package dev.dsync.it;

import dev.dsync.it.HostileEndpoints.Endpoint;
import dev.dsync.it.HostileEndpoints.Field;
import dev.dsync.it.HostileEndpoints.Kind;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.StringJoiner;

/**
 * A seeded stream of hostile requests against one service's endpoints. Every request is built so
 * that its expected answer is known: POSTs always carry exactly one defect (a field missing,
 * of the wrong type or out of range, a broken or oversized body, a wrong method or path), so
 * they must be refused; GETs with odd but valid parameters may be served, and change nothing.
 */
final class HostileRequests {
    /** What the answer must be. */
    enum Expect {
        /** A 4xx with a JSON error naming the problem. */
        REFUSED,
        /** A read: anything but 5xx other than 503/504; it changes nothing. */
        ANY,
        /** 413, with a JSON error: the body is larger than the server takes. */
        TOO_LARGE,
        /** Broken at the HTTP layer (e.g. an invalid URI): the JDK's own 400, not seen by dsync's handlers. */
        PROTOCOL
    }

    record Request(String label, String method, String target, Map<String, String> headers, byte[] body, boolean chunked,
                   Expect expect, List<String> hints) {
        String summary() {
            String text = new String(body, 0, Math.min(body.length, 160), StandardCharsets.UTF_8);
            String shortTarget = target.length() > 160 ? target.substring(0, 160) + "...(" + target.length() + " chars)" : target;
            return "[" + label + "] " + method + " " + shortTarget + " " + headers + " body(" + body.length + (chunked ? ", chunked" : "")
                    + ")=" + text.replace("\n", "\\n");
        }
    }

    static final String TOKEN = "fuzz-cluster-token";
    static final int MAX_BODY = 1 << 20;
    private static final List<String> CONTENT_TYPES = List.of("application/json", "text/plain", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=zz", "application/json; charset=utf-16", "application/xml", "image/png", "*/*", "");
    private static final List<String> WRONG_METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "FOO");

    private final List<Endpoint> endpoints;
    private final Random random;
    private final HostileValues values;

    HostileRequests(String service, Random random) {
        this.endpoints = HostileEndpoints.of(service);
        this.random = random;
        this.values = new HostileValues(random);
    }

    Request next() {
        // Peer endpoints refuse everything without the token: one request in ten is plenty for them.
        boolean peer = random.nextInt(10) == 0;
        List<Endpoint> pool = endpoints.stream().filter(candidate -> candidate.peer() == peer).toList();
        Endpoint e = pool.get(random.nextInt(pool.size()));
        int roll = random.nextInt(100);
        if (roll < 4) {
            return oversized(e);
        }
        if (roll < 10) {
            return wrongMethod(e);
        }
        if (roll < 14) {
            return unknownPath(e);
        }
        if (roll < 16) {
            return protocolBroken(e);
        }
        if (e.peer()) {
            return request("peer-without-token", "POST", e.path(), bodyDefect(e), Expect.REFUSED, List.of("token"));
        }
        if (e.isGet()) {
            return getRequest(e);
        }
        return roll < 55 ? fieldDefect(e) : bodyLevelDefect(e);
    }

    private Request request(String label, String method, String target, String body, Expect expect, List<String> hints) {
        return request(label, method, target, body.getBytes(StandardCharsets.UTF_8), expect, hints);
    }

    private Request request(String label, String method, String target, byte[] body, Expect expect, List<String> hints) {
        Map<String, String> headers = new LinkedHashMap<>();
        String type = CONTENT_TYPES.get(random.nextInt(CONTENT_TYPES.size()));
        if (!type.isEmpty()) {
            headers.put("Content-Type", type);
        }
        if (random.nextInt(10) == 0) {
            headers.put("Connection", "close");
        }
        if (random.nextInt(20) == 0) {
            // A forged forwarding mark: a follower must answer 503 rather than forward it, never act on it.
            headers.put("X-Dsync-Forwarded-By", "mallory");
        }
        if (random.nextInt(20) == 0) {
            headers.put("X-Dsync-Cluster-Token", "wrong-token");
        }
        return new Request(label, method, target, headers, body, false, expect, hints);
    }

    /** A valid body for {@code e} with one field replaced by a value it must refuse, or left out. */
    private Request fieldDefect(Endpoint e) {
        List<Field> candidates = e.fields().stream().filter(f -> f.kind() != Kind.ANY_VALUE || f.required()).toList();
        if (candidates.isEmpty()) {
            return bodyLevelDefect(e);
        }
        Field bad = candidates.get(random.nextInt(candidates.size()));
        Map<String, String> fields = validFields(e);
        String label;
        if (bad.kind() == Kind.ANY_VALUE || bad.required() && random.nextInt(4) == 0) {
            fields.remove(bad.name());
            if (random.nextBoolean() && bad.kind() != Kind.ANY_VALUE) {
                fields.put(bad.name(), "null");
            }
            label = "missing-field";
        } else if (bad.kind() == Kind.QUEUE_NAME && e.deadLetterRefused() && random.nextInt(4) == 0) {
            fields.put(bad.name(), "\"orders.dlq\"");
            label = "dead-letter-queue";
        } else {
            fields.put(bad.name(), values.invalidValue(bad));
            label = "invalid-" + bad.kind().name().toLowerCase();
        }
        // A number too long for the parser is refused as malformed JSON, before any field is looked at.
        return request(label, e.method(), e.path(), object(fields), Expect.REFUSED, List.of(bad.name(), "json"));
    }

    /** Every field valid; optional ones present at random (client_id always with request_id). */
    private Map<String, String> validFields(Endpoint e) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (Field f : e.fields()) {
            if (f.required() || random.nextBoolean()) {
                fields.put(f.name(), values.validValue(f));
            }
        }
        if (fields.containsKey("request_id") && !fields.containsKey("client_id")) {
            fields.put("client_id", values.validString());
        }
        return fields;
    }

    private static String object(Map<String, String> fields) {
        StringJoiner json = new StringJoiner(",", "{", "}");
        fields.forEach((name, value) -> json.add("\"" + name + "\":" + value));
        return json.toString();
    }

    /** A body that is not one well-formed JSON object (or, on endpoints with a required field, none at all). */
    private Request bodyLevelDefect(Endpoint e) {
        if (!e.required().isEmpty() && random.nextInt(8) == 0) {
            String body = random.nextBoolean() ? "" : " \r\n\t ";
            return request("empty-body", e.method(), e.path(), body, Expect.REFUSED, List.of(e.required().getFirst().name(), "missing"));
        }
        return request("broken-json", e.method(), e.path(), bodyDefect(e), Expect.REFUSED, List.of("json", "object"));
    }

    private byte[] bodyDefect(Endpoint e) {
        String valid = object(validFields(e));
        String broken = switch (random.nextInt(16)) {
            case 0 -> valid.substring(0, 1 + random.nextInt(valid.length() - 1));
            case 1 -> valid + values.pick("}", ",", "x", "{}", "]", "\\u0000", "[1]", "null", "\"", "//");
            case 2 -> values.pick("x", ",", "]", "}", "\"") + valid;
            case 3 -> valid.length() > 2 ? valid.replace('"', '\'') : "{'a':1}";
            case 4 -> "{\"__x\":" + values.pick("NaN", "Infinity", "-Infinity", "undefined", "+1", "0x10", ".5", "007", "1.", "--1", "'s'")
                    + (valid.length() > 2 ? "," + valid.substring(1) : "}");
            case 5 -> valid.length() > 2 ? "{/*c*/" + valid.substring(1) : "{/*c*/}";
            case 6 -> valid.length() > 2 ? valid.substring(0, valid.length() - 1) + ",}" : "{,}";
            case 7 -> "{key:\"a\",mode:X}";
            case 8 -> valid.length() > 2 ? duplicateFirstField(valid) : "{\"a\":1,\"a\":2}";
            case 9 -> values.pick("[]", "[" + valid + "]", "\"string\"", "42", "null", "true", "-0", "1e400");
            case 10 -> "{\"x\":" + HostileValues.nested(1001 + random.nextInt(50_000), "1") + (valid.length() > 2 ? "," + valid.substring(1) : "}");
            case 11 -> "[".repeat(1001 + random.nextInt(100_000));
            case 12 -> "{\"x\":" + "{\"a\":".repeat(1001 + random.nextInt(5000)) + "1" + "}".repeat(1001 + random.nextInt(5000)) + "}";
            case 13 -> "{\"n\":" + "9".repeat(1001 + random.nextInt(5000)) + (valid.length() > 2 ? "," + valid.substring(1) : "}");
            case 14 -> "{\"a\":\"x\u0001y\"," + valid.substring(1);
            default -> null;
        };
        if (broken != null) {
            return broken.getBytes(StandardCharsets.UTF_8);
        }
        // Bytes that are not UTF-8 (or not text), outside any string, so the JSON cannot parse.
        byte[][] junk = {{(byte) 0xff, (byte) 0xfe}, {(byte) 0xc0, (byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {0, 0, 0},
                {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0x80}};
        byte[] bad = junk[random.nextInt(junk.length)];
        byte[] prefix = "{".getBytes(StandardCharsets.UTF_8);
        byte[] rest = valid.substring(1).getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[prefix.length + bad.length + rest.length];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        System.arraycopy(bad, 0, body, prefix.length, bad.length);
        System.arraycopy(rest, 0, body, prefix.length + bad.length, rest.length);
        return body;
    }

    private static String duplicateFirstField(String valid) {
        int end = valid.indexOf(':');
        String name = valid.substring(1, end);
        return "{" + name + ":1," + valid.substring(1);
    }

    /** A body over the limit, sent with a length or chunked, to any endpoint: it must get its answer, not a reset. */
    private Request oversized(Endpoint e) {
        int size = MAX_BODY + 1 + (random.nextBoolean() ? 0 : random.nextInt(MAX_BODY + 1));
        byte[] body = new byte[size];
        if (random.nextBoolean()) {
            byte[] head = "{\"key\":\"".getBytes(StandardCharsets.UTF_8);
            java.util.Arrays.fill(body, (byte) 'k');
            System.arraycopy(head, 0, body, 0, head.length);
            body[size - 2] = '"';
            body[size - 1] = '}';
        } else {
            random.nextBytes(body);
        }
        Request r = request("oversized", e.method(), e.path(), body, Expect.TOO_LARGE, List.of("larger"));
        if (e.peer()) {
            // The token is checked before the body is read.
            r = new Request(r.label(), r.method(), r.target(), r.headers(), body, false, Expect.REFUSED, List.of("token"));
        }
        return new Request(r.label(), r.method(), r.target(), r.headers(), body, random.nextInt(4) == 0, r.expect(), r.hints());
    }

    private Request wrongMethod(Endpoint e) {
        List<String> wrong = WRONG_METHODS.stream().filter(m -> !m.equals(e.method())).toList();
        String method = wrong.get(random.nextInt(wrong.size()));
        String body = random.nextBoolean() ? "" : object(validFields(e));
        return request("wrong-method", method, e.path(), body, Expect.REFUSED, List.of("method"));
    }

    private Request unknownPath(Endpoint e) {
        String path = values.pick(e.path() + "/", e.path() + "//", e.path().toUpperCase(), "/" + e.path().substring(1).replace("/", "//"),
                e.path() + "%00", e.path() + "%2e%2e", "/", "/lock", "/queue/", "/cache/peer", "/raft", "/..%2f..%2fetc%2fpasswd",
                e.path() + ";jsessionid=1", "/" + "a".repeat(1 + random.nextInt(20_000)),
                "/%C0%AE%C0%AE/", "/%F0%9F%98%80", e.path() + "/" + URLEncoder.encode("\u0000\ud800", StandardCharsets.UTF_8));
        String picked = path;
        if (endpoints.stream().anyMatch(known -> known.path().equals(picked))) {
            path = path + "/x"; // e.g. "/health" with its slashes doubled is still "/health"
        }
        String method = random.nextBoolean() ? e.method() : values.pick("GET", "POST", "PUT");
        return request("unknown-path", method, path, random.nextBoolean() ? "" : object(validFields(e)), Expect.REFUSED,
                List.of("endpoint"));
    }

    /** Targets the JDK's HTTP parser refuses before any dsync code runs. */
    private Request protocolBroken(Endpoint e) {
        String target = e.path() + values.pick("?key=%zz", "?key=%", "?key=a|b", "?key=%2", "%zz", "?q=\"x\"", "?{}");
        return request("protocol", e.method(), target, "", Expect.PROTOCOL, List.of());
    }

    /** A GET with odd parameters: a missing or empty required one is refused; odd but valid ones are served. */
    private Request getRequest(Endpoint e) {
        List<String> params = new ArrayList<>();
        Expect expect = Expect.ANY;
        List<String> hints = List.of();
        Field field = e.fields().isEmpty() ? null : e.fields().getFirst();
        int roll = random.nextInt(10);
        if (field != null && field.required() && roll < 3) {
            params.add(values.pick("", field.name() + "=", field.name(), "kye=a", field.name().toUpperCase() + "=a", "&&&", "=a"));
            expect = Expect.REFUSED;
            hints = List.of(field.name());
        } else if (field != null && field.kind() == Kind.QUEUE_NAME && roll < 6) {
            params.add("queue=" + URLEncoder.encode(values.pick("a b", "../etc", "\u00e9", "q\u0000", "q".repeat(129), "q/1"), StandardCharsets.UTF_8));
            expect = Expect.REFUSED;
            hints = List.of("queue");
        } else if (field != null) {
            String value = values.pick("k1", "\u0000", "\ud800", "a\u202eb", "\ud83d\ude00", "x".repeat(1 + random.nextInt(40_000)),
                    "default", "%zz", "+", " ", "\u00e9\u00e9");
            params.add(field.name() + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
            if (field.kind() == Kind.QUEUE_NAME && !value.matches("[A-Za-z0-9._-]{1,128}")) {
                expect = Expect.REFUSED;
                hints = List.of("queue");
            }
            if (random.nextBoolean()) {
                params.add(values.pick(field.name() + "=second", "junk=%00", "a=b=c", "&", "x"));
            }
        } else {
            params.add(values.pick("", "x=1", "%00=%00", "a=" + "b".repeat(1000), "&&"));
        }
        String target = e.path() + (params.isEmpty() || params.getFirst().isEmpty() ? "" : "?" + String.join("&", params));
        String body = random.nextInt(5) == 0 ? values.pick("{", "garbage", "{\"key\":1}") : "";
        return request("get-" + expect.name().toLowerCase(), "GET", target, body, expect, hints);
    }
}
